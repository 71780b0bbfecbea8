import pLimit, { type LimitFunction } from 'p-limit';
import type { Sensitive } from '../../model/sensitive.ts';
import { sleep } from './deadline.ts';
import { MetalApiError, errorMessages } from './errors.ts';
import { agentsFor, send, type Agents } from './http.ts';
import {
  RateLimitPause,
  rateLimitPauseMs,
  readRateLimit,
  type Clock,
  type RateLimitReading,
} from './rate-limit.ts';
import { noAnswer, notJsonError, readReply, type Reply } from './reply.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface MetalRequestSpec {
  /** The API's operationId, for logs and metrics. */
  readonly operation: string;
  readonly method: HttpMethod;
  /** Relative to the base URL, e.g. `/projects/<id>/devices`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number>>;
  readonly body?: unknown;
  /**
   * Safe to send again when the first attempt may or may not have been carried out (a 5xx, a
   * reset connection, a timeout). Creates are not: after an ambiguous failure the next loop finds
   * what exists by its tags instead.
   */
  readonly idempotent: boolean;
  /** The deadline of the work this call is part of (an observation): no retry, no wait past it. */
  readonly signal?: AbortSignal;
}

export interface MetalAnswer {
  readonly status: number;
  readonly data: unknown;
}

/** One attempt, as logs and metrics see it. */
export interface MetalCall {
  readonly operation: string;
  readonly method: HttpMethod;
  readonly path: string;
  /** The HTTP status, or the network error code when there was no answer. */
  readonly outcome: number | string;
  readonly durationMs: number;
  readonly attempt: number;
}

/** The part of a pino logger the transport uses. */
export interface MetalLog {
  debug(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface TransportOptions {
  readonly baseURL: string;
  readonly token: Sensitive;
  /** Per attempt, from sending to the last byte of the answer (default 30 s). */
  readonly timeoutMs?: number;
  /** Requests in flight at once, across the process. */
  readonly concurrency?: number;
  /** Further attempts after the first. */
  readonly retries?: number;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  /** The longest a rate-limit answer may pause every call. */
  readonly maxPauseMs?: number;
  readonly log?: MetalLog;
  readonly onCall?: (call: MetalCall) => void;
  readonly onRateLimited?: (pauseMs: number) => void;
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random?: () => number;
  /** Where HTTPS_PROXY, HTTP_PROXY and NO_PROXY are read (default: the process's environment). */
  readonly proxyEnv?: NodeJS.ProcessEnv;
}

const headers = {
  Accept: 'application/json',
  'Content-Type': 'application/json',
  'User-Agent': 'equinix-metal-ccm',
};

/** Errors from which no request reached the server: always safe to retry. */
const notSentCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);

/**
 * Sends Metal API requests: the token in `X-Auth-Token`, a deadline per attempt that covers the
 * whole answer, a global limit of
 * requests in flight, retries with exponential backoff and full jitter for what is safe to retry,
 * and one shared pause for every call of the process after a 429.
 */
export class MetalTransport {
  readonly #limit: LimitFunction;
  readonly #options: Required<
    Pick<TransportOptions, 'retries' | 'backoffBaseMs' | 'backoffMaxMs' | 'timeoutMs'>
  > &
    TransportOptions;
  readonly #clock: Clock;
  readonly #pause: RateLimitPause;
  #rateLimit: RateLimitReading | undefined;
  readonly #agents: Agents;

  constructor(options: TransportOptions) {
    this.#options = {
      retries: 4,
      backoffBaseMs: 200,
      backoffMaxMs: 10_000,
      timeoutMs: 30_000,
      ...options,
    };
    this.#clock = { now: options.now ?? Date.now, sleep: options.sleep ?? sleep };
    this.#pause = new RateLimitPause(this.#clock, options.maxPauseMs ?? 300_000, (ms) =>
      options.onRateLimited?.(ms),
    );
    this.#limit = pLimit(options.concurrency ?? 8);
    this.#agents = agentsFor(options.proxyEnv ?? process.env);
  }

  /** The base URL's path, then the call's, then its query. */
  #url(spec: MetalRequestSpec): URL {
    const path = spec.path.startsWith('/') ? spec.path : `/${spec.path}`;
    const url = new URL(this.#options.baseURL.replace(/\/+$/, '') + path);
    for (const [key, value] of Object.entries(spec.query ?? {}))
      url.searchParams.set(key, String(value));
    return url;
  }

  #backoff(attempt: number): number {
    const { backoffBaseMs, backoffMaxMs, random = Math.random } = this.#options;
    return Math.floor(random() * Math.min(backoffMaxMs, backoffBaseMs * 2 ** attempt));
  }

  /** Until when every call waits (epoch ms); 0 when not paused. */
  get pausedUntil(): number {
    return this.#pause.until;
  }

  /** The rate-limit window as the last answer that told it said (what `doctor` reports). */
  get rateLimit(): RateLimitReading | undefined {
    return this.#rateLimit;
  }

  #report(spec: MetalRequestSpec, attempt: number, started: number, outcome: number | string) {
    const { operation, method, path } = spec;
    const durationMs = this.#clock.now() - started;
    const call: MetalCall = { operation, method, path, outcome, durationMs, attempt };
    this.#options.onCall?.(call);
    this.#options.log?.debug(call, 'metal call');
  }

  /** Waits `ms` (or out the rate-limit pause): an observation's deadline ends it, naming the call. */
  async #wait(spec: MetalRequestSpec, ms?: number): Promise<void> {
    try {
      await (ms === undefined ? this.#pause.wait(spec.signal) : this.#clock.sleep(ms, spec.signal));
    } catch (error) {
      throw noAnswer(spec, error, { outer: spec.signal });
    }
  }

  async #attempt(spec: MetalRequestSpec, attempt: number): Promise<Reply | MetalApiError> {
    await this.#wait(spec);
    return this.#limit(async () => {
      const started = this.#clock.now();
      const requestMs = this.#options.timeoutMs;
      const request = AbortSignal.timeout(requestMs);
      const signals = spec.signal === undefined ? [request] : [request, spec.signal];
      try {
        const response = await send(
          {
            method: spec.method,
            url: this.#url(spec),
            headers: {
              ...headers,
              // Asked at every request: a key read from a file may have been rotated since the last.
              'X-Auth-Token': this.#options.token.reveal(),
            },
            ...(spec.body === undefined ? {} : { body: JSON.stringify(spec.body) }),
            signal: AbortSignal.any(signals),
          },
          this.#agents,
        );
        this.#report(spec, attempt, started, response.status);
        const reply = readReply(response);
        this.#rateLimit = readRateLimit(reply.headers) ?? this.#rateLimit;
        return reply;
      } catch (error) {
        const failure = noAnswer(spec, error, { request, requestMs, outer: spec.signal });
        this.#report(spec, attempt, started, failure.code ?? 'ERR_UNKNOWN');
        return failure;
      }
    });
  }

  /** Sends one request, retrying what is safe to retry; throws MetalApiError on failure. */
  async send(spec: MetalRequestSpec): Promise<MetalAnswer> {
    for (let attempt = 0; ; attempt++) {
      const result = await this.#attempt(spec, attempt);
      const last = attempt >= this.#options.retries;
      if (result instanceof MetalApiError) {
        const safe = spec.idempotent || notSentCodes.has(result.code ?? '');
        if (!safe || last || result.code === 'EDEADLINE' || result.code === 'EPROXY') throw result;
        await this.#wait(spec, this.#backoff(attempt));
        continue;
      }
      const { status } = result;
      if (status < 400) {
        if (result.notJson !== undefined) throw notJsonError(spec, result);
        return { status, data: result.data };
      }
      const { operation, method, path } = spec;
      const messages = errorMessages(result.data);
      const failure = new MetalApiError({ status, operation, method, path, messages });
      if (status === 429) {
        // Rejected, so never carried out: safe to send again, once the pause is over.
        this.#pause.pause(
          rateLimitPauseMs(result.headers, this.#clock.now()) ?? this.#backoff(attempt + 2),
        );
        this.#options.log?.warn(
          { operation: spec.operation, pausedUntil: this.#pause.until },
          'Metal API rate limit',
        );
        if (last) throw failure;
        continue;
      }
      if (status >= 500 && spec.idempotent && !last) {
        await this.#wait(spec, this.#backoff(attempt));
        continue;
      }
      throw failure;
    }
  }
}
