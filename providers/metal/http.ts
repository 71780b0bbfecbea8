import type { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent, type AgentOptions as HttpsAgentOptions } from 'node:https';
import { proxyFromEnvironment, proxyRefusal } from '../proxy-env.ts';
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

/** A proxy Node cannot speak (SOCKS): refused, never gone around. */
export class UnsupportedProxyError extends Error {}

/** How requests reach their servers: an agent for each request's URL. */
export interface Agents {
  agentFor(url: URL): HttpAgent;
  destroy(): void;
}

/** Agents for one purpose: `options` for every connection, `env` for the proxy (none without). */
class ProxiedAgents implements Agents {
  readonly #env: NodeJS.ProcessEnv | undefined;
  readonly #options: HttpsAgentOptions;
  /** By `protocol proxy` ('' for straight to the server). */
  readonly #agents = new Map<string, HttpAgent>();
  /** The proxy each server is reached through (a server's is decided once). */
  readonly #proxies = new Map<string, string | undefined>();

  constructor(options: HttpsAgentOptions, env?: NodeJS.ProcessEnv) {
    this.#options = options;
    this.#env = env;
  }

  agentFor(url: URL): HttpAgent {
    const proxy = this.#proxyFor(url);
    const key = `${url.protocol} ${proxy ?? ''}`;
    let agent = this.#agents.get(key);
    if (agent === undefined) {
      // Node's own proxying, told only the proxy decided here: its NO_PROXY is not Go's.
      const options = {
        ...this.#options,
        ...(proxy === undefined ? {} : { proxyEnv: { HTTPS_PROXY: proxy, HTTP_PROXY: proxy } }),
      };
      agent = url.protocol === 'https:' ? new HttpsAgent(options) : new nodeHttp.Agent(options);
      this.#agents.set(key, agent);
    }
    return agent;
  }

  #proxyFor(url: URL): string | undefined {
    if (this.#env === undefined) return undefined;
    if (!this.#proxies.has(url.origin))
      this.#proxies.set(url.origin, proxyFromEnvironment(url.origin, this.#env));
    const proxy = this.#proxies.get(url.origin);
    const refusal = proxy === undefined ? undefined : proxyRefusal(proxy, url.origin);
    if (refusal !== undefined) throw new UnsupportedProxyError(refusal);
    return proxy;
  }

  destroy(): void {
    for (const agent of this.#agents.values()) agent.destroy();
    this.#agents.clear();
  }
}

/**
 * Agents that keep connections alive between calls and go through the proxy `env` names as Go's
 * http.ProxyFromEnvironment decides it (the upstream CCM's client): HTTPS_PROXY or HTTP_PROXY by
 * the server's scheme, none for loopback or what NO_PROXY names, CIDRs and parent domains included.
 */
export function agentsFor(env: NodeJS.ProcessEnv): Agents {
  return new ProxiedAgents({ keepAlive: true }, env);
}

/** Agents that go straight to each server, never through a proxy. */
export function directAgents(options: HttpsAgentOptions): Agents {
  return new ProxiedAgents(options);
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
  const agent = via.agentFor(url); // an unsupported proxy is said as it is, not as no answer
  try {
    const response = await openRequest(
      url,
      {
        method: request.method,
        headers: request.headers ?? {},
        agent,
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
