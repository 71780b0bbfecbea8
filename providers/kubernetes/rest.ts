import type { IncomingMessage } from 'node:http';
import { StringDecoder } from 'node:string_decoder';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeConnection } from './kube-connection.ts';
import { openRequest, readText } from '../node-http.ts';
import { apiError } from './api-error.ts';
import { maxAttempts, retryAfterMs } from './retry-after.ts';

export type WatchEvent =
  | {
      readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';
      readonly object: KubeObjectLike;
    }
  | {
      readonly type: 'ERROR';
      readonly object: { code?: number; reason?: string; message?: string };
    };

export interface KubeObjectLike {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; uid?: string };
}

export interface RestRequest {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly body?: unknown;
  readonly contentType?: string;
  readonly signal?: AbortSignal;
}

const statusOf = (response: IncomingMessage): number => response.statusCode ?? 0;

/**
 * The lines of an answer as they come (a watch sends one event per line); a stream error, or the
 * caller's abort, ends it by throwing. (node:readline does the same and loaded 0.7 MB more.)
 */
async function* linesOf(stream: AsyncIterable<Buffer>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  for await (const chunk of stream) {
    pending += decoder.write(chunk);
    for (let end = pending.indexOf('\n'); end !== -1; end = pending.indexOf('\n')) {
      yield pending.slice(0, end);
      pending = pending.slice(end + 1);
    }
  }
  pending += decoder.end();
  if (pending !== '') yield pending;
}

const ok = (response: IncomingMessage): boolean =>
  statusOf(response) >= 200 && statusOf(response) < 300;

/**
 * Sends a request until the API server takes it in: an answer of "later" is discarded and waited
 * out (each new attempt takes its turn at the client's rate limit again, as in client-go); `signal`
 * ends the wait.
 */
async function untilTakenIn<A extends { readonly response: IncomingMessage }>(
  attempt: () => Promise<A>,
  signal: AbortSignal | undefined,
  onRetry: ((status: number) => void) | undefined,
): Promise<A & { readonly retries: number }> {
  for (let tries = 1; ; tries++) {
    const answer = await attempt();
    const waitMs = tries < maxAttempts ? retryAfterMs(answer.response) : undefined;
    if (waitMs === undefined) return { ...answer, retries: tries - 1 };
    answer.response.resume();
    onRetry?.(statusOf(answer.response));
    // Up to half as long again: requests turned away together do not all come back together.
    const spreadMs = waitMs * (1 + Math.random() / 2);
    await sleep(spreadMs, undefined, signal === undefined ? {} : { signal });
  }
}

/** The client's rate limit (rate-limit.ts). */
export interface RateLimiter {
  take(): Promise<void>;
}

/**
 * The Kubernetes API over HTTP, authenticated as the kubeconfig's (or the service account's)
 * identity. Plain requests for everything, so JSON Patch, the status subresource, server-side
 * apply and delete preconditions are all one code path.
 */
export class KubeRest {
  readonly #connection: KubeConnection;
  readonly #server: string;
  /** Per request, so a stuck API server does not stall a loop. */
  readonly #timeoutMs: number;
  /** The client's rate limit (`--kube-api-qps`, `--kube-api-burst`). */
  readonly #limiter: RateLimiter | undefined;
  /** Names the client in the API server's audit log (client-go's `AddUserAgent`). */
  readonly #userAgent: string;
  /** Hears of each request sent again after the API server put it off. */
  readonly #onRetry: ((status: number) => void) | undefined;

  constructor(
    connection: KubeConnection,
    options: {
      timeoutMs?: number;
      limiter?: RateLimiter;
      userAgent?: string;
      onRetry?: (status: number) => void;
    } = {},
  ) {
    this.#connection = connection;
    this.#server = connection.server;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#limiter = options.limiter;
    this.#userAgent = options.userAgent ?? 'equinix-metal-ccm';
    this.#onRetry = options.onRetry;
  }

  /** The API server's URL, for messages. */
  get server(): string {
    return this.#server;
  }

  /**
   * A stream (a watch) has no overall timeout: its caller's signal and watchdog end it. The rate
   * limiter's wait comes first, outside a request's deadline: time queued is not time answering.
   */
  async #send(request: RestRequest, deadline?: () => AbortSignal): Promise<IncomingMessage> {
    await this.#limiter?.take();
    const url = new URL(this.#server + request.path);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const { headers, agent } = await this.#connection.credentials();
    const signals = [
      ...(deadline === undefined ? [] : [deadline()]),
      ...(request.signal ? [request.signal] : []),
    ];
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    // Node's own client (as the Metal client): undici's held about 4 MB more of memory, idle.
    return openRequest(
      url,
      {
        method: request.method,
        headers: {
          ...headers,
          accept: 'application/json',
          'user-agent': this.#userAgent,
          ...(body === undefined
            ? {}
            : { 'content-type': request.contentType ?? 'application/json' }),
        },
        agent,
        signal: AbortSignal.any(signals),
      },
      body,
    );
  }

  /**
   * One request; a non-2xx answer throws KubeApiError. Its deadline covers each attempt's whole
   * answer, body included, so an API server (or a proxy) trickling bytes cannot hold a caller past
   * it. An answer of "later" (429, or 5xx with Retry-After) is waited out and sent again.
   */
  async request<T>(request: RestRequest): Promise<T> {
    const { response, text, retries } = await untilTakenIn(
      () => this.#attempt(request),
      request.signal,
      this.#onRetry,
    );
    if (!ok(response))
      throw apiError(request.method, request.path, statusOf(response), text, retries);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  async #attempt(request: RestRequest): Promise<{ response: IncomingMessage; text: string }> {
    // Not AbortSignal.timeout: its timer runs its 30 s out after every answer (28,000 timers, each
    // making a TimeoutError, while converging 1,000 nodes).
    const deadline = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    try {
      const response = await this.#send(request, () => {
        timer = setTimeout(() => {
          deadline.abort();
        }, this.#timeoutMs);
        return deadline.signal;
      });
      return { response, text: await readText(response) };
    } catch (error) {
      if (!deadline.signal.aborted) throw error;
      const { method, path } = request;
      throw new Error(
        `Kubernetes ${method} ${path} failed: no complete answer within ${String(this.#timeoutMs / 1000)}s`,
        { cause: error },
      );
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * A watch: calls `onEvent` per event until the server ends the stream (resolves) or it fails
   * (rejects). `signal` stops it; the caller owns timeouts and watchdogs.
   */
  async watch(
    path: string,
    query: Readonly<Record<string, string | number | boolean | undefined>>,
    onEvent: (event: WatchEvent) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const { response, retries } = await untilTakenIn(
      async () => {
        const answer = await this.#send({
          method: 'GET',
          path,
          query: { ...query, watch: true },
          signal,
        });
        return { response: answer };
      },
      signal,
      this.#onRetry,
    );
    if (!ok(response))
      throw apiError('GET', path, statusOf(response), await readText(response), retries);
    // A stream error reaches the loop below; once the caller stops the watch, the abort that follows
    // is expected and must not surface as an uncaught error.
    response.on('error', () => undefined);
    try {
      for await (const line of linesOf(response)) {
        if (line.trim() === '') continue;
        onEvent(JSON.parse(line) as WatchEvent);
      }
    } finally {
      response.destroy();
    }
  }
}
