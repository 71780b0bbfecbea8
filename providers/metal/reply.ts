import { DeadlineError, seconds } from './deadline.ts';
import { MetalApiError, MetalResponseError } from './errors.ts';
import { NoAnswerError, UnsupportedProxyError, type HttpAnswer } from './http.ts';

/** What a request needs to be named in an error. */
export interface Named {
  readonly operation: string;
  readonly method: string;
  readonly path: string;
}

/** An answer as the transport reads it: its body parsed, or the reason it is not JSON. */
export interface Reply {
  readonly status: number;
  readonly headers: Record<string, unknown>;
  /** The parsed body; undefined when there was none (204). */
  readonly data: unknown;
  /** Set when the body is not JSON: what it looked like. */
  readonly notJson?: string;
}

/** Reads the text of an answer: JSON, nothing, or something else described for the error. */
export function readReply(answer: HttpAnswer): Reply {
  const { status, headers, text } = answer;
  if (text.trim() === '') return { status, headers, data: undefined };
  try {
    return { status, headers, data: JSON.parse(text) as unknown };
  } catch {
    const type = typeof headers['content-type'] === 'string' ? headers['content-type'] : 'no type';
    const start = text.trim().slice(0, 40).replace(/\s+/g, ' ');
    return { status, headers, data: undefined, notJson: `${type}, starting "${start}"` };
  }
}

/** A 2xx whose body is not JSON (a proxy's page, a captive portal): says so, naming the call. */
export function notJsonError(request: Named, reply: Reply): MetalResponseError {
  return new MetalResponseError(
    request.operation,
    `the body is not JSON (${String(reply.status)}, ${reply.notJson ?? ''})`,
  );
}

/**
 * The error of an attempt that got no complete answer, made afresh: it names the call and the
 * network's code, never the request (whose headers carry the token). A passed deadline is named: the request's (ETIMEDOUT, retried
 * when safe), or the observation's (EDEADLINE, never retried).
 */
export function noAnswer(
  request: Named,
  error: unknown,
  deadlines: { request?: AbortSignal; requestMs?: number; outer?: AbortSignal | undefined },
): MetalApiError {
  const { operation, method, path } = request;
  const failure = (code: string, detail?: string): MetalApiError =>
    new MetalApiError({
      operation,
      method,
      path,
      code,
      ...(detail === undefined ? {} : { detail }),
    });
  const outer = deadlines.outer?.reason as unknown;
  if (deadlines.outer?.aborted === true)
    return failure('EDEADLINE', outer instanceof DeadlineError ? outer.message : 'stopped');
  if (deadlines.request?.aborted === true)
    return failure('ETIMEDOUT', `no complete answer within ${seconds(deadlines.requestMs ?? 0)}`);
  if (error instanceof UnsupportedProxyError) return failure('EPROXY', error.message);
  return failure(error instanceof NoAnswerError ? error.code : 'ERR_UNKNOWN');
}
