import { nodeHttp } from '../node-http.ts';

const { STATUS_CODES } = nodeHttp;

/**
 * The error for a non-2xx answer. Its body is usually a Status object, but not always: a group the
 * API server does not serve (a CRD not installed) answers a plain-text "404 page not found".
 */
export function apiError(
  method: string,
  path: string,
  status: number,
  text: string,
  retries = 0,
): KubeApiError {
  let answer: { reason?: string; message?: string } = {};
  try {
    answer = JSON.parse(text) as typeof answer;
  } catch {
    // not a Status object: the HTTP status text says enough
  }
  const reason = answer.reason ?? STATUS_CODES[status] ?? '';
  return new KubeApiError(method, path, status, reason, answer.message ?? '', retries);
}

/** A failed Kubernetes API call, from the Status object the API server answers with. */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  readonly status: number;
  /** The Status reason: `Conflict`, `NotFound`, `Forbidden`, `Invalid`, `AlreadyExists`, `Gone`, … */
  readonly reason: string;

  /** `retries`: how often the API server had answered "later" and the request was sent again. */
  constructor(
    method: string,
    path: string,
    status: number,
    reason: string,
    message: string,
    retries = 0,
  ) {
    const retried =
      retries === 0
        ? ''
        : ` (after ${String(retries)} ${retries === 1 ? 'retry' : 'retries'} the API server asked for)`;
    super(
      `Kubernetes ${method} ${path} failed: ${status} ${reason}${message === '' ? '' : `: ${message}`}${retried}`,
    );
    this.status = status;
    this.reason = reason;
  }
}

export function isConflict(error: unknown): boolean {
  return error instanceof KubeApiError && error.status === 409;
}

/** 401 or 403: the identity may not do it; retrying the same way will not help. */
export function isForbidden(error: unknown): boolean {
  return error instanceof KubeApiError && (error.status === 401 || error.status === 403);
}

export function isNotFound(error: unknown): boolean {
  return error instanceof KubeApiError && error.status === 404;
}
