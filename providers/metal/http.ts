import type { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { nodeHttp, openRequest, readText } from '../node-http.ts';

/** An answer as it came: its status, headers (lower-case names) and body as text. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, unknown>;
  readonly text: string;
}

/** No complete answer: the network's code (ECONNREFUSED, ECONNRESET, …), never the request. */
export class NoAnswerError extends Error {
  readonly code: string;

  constructor(code: string) {
    super(`no answer (${code})`);
    this.code = code;
  }
}

export interface HttpRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers?: Readonly<Record<string, string>>;
  /** JSON-encoded already. */
  readonly body?: string;
  readonly signal?: AbortSignal;
}

/** How requests reach a server: connections kept alive, through a proxy or not. */
export interface Agents {
  readonly http: HttpAgent;
  readonly https: HttpsAgent;
}

/**
 * Agents that keep connections alive between calls and go through the proxy `env` names
 * (HTTPS_PROXY, HTTP_PROXY, NO_PROXY and their lower-case forms), as the HTTP client the CCM used
 * before did.
 */
export function agentsFor(env: NodeJS.ProcessEnv): Agents {
  return {
    http: new nodeHttp.Agent({ keepAlive: true, proxyEnv: env }),
    https: new HttpsAgent({ keepAlive: true, proxyEnv: env }),
  };
}

let processAgents: Agents | undefined;

function codeOf(error: unknown, signal: AbortSignal | undefined): string {
  if (signal?.aborted === true) return 'ERR_CANCELED';
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : 'ERR_NETWORK';
}

/**
 * One HTTP request with node's own client (the Metal API, the host's metadata service, the
 * control-plane probes): the whole answer read as text, any status an answer, `signal` ending it
 * at any point. Through `agents`, or those of the process's environment.
 */
export async function send(request: HttpRequest, agents?: Agents): Promise<HttpAnswer> {
  const { url, signal } = request;
  const via = agents ?? (processAgents ??= agentsFor(process.env));
  try {
    const response = await openRequest(
      url,
      {
        method: request.method,
        headers: request.headers ?? {},
        agent: url.protocol === 'https:' ? via.https : via.http,
        ...(signal === undefined ? {} : { signal }),
      },
      request.body,
    );
    const text = await readText(response);
    return { status: response.statusCode ?? 0, headers: response.headers, text };
  } catch (error) {
    throw new NoAnswerError(codeOf(error, signal));
  }
}
