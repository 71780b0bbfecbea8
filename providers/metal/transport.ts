import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import pLimit, { type LimitFunction } from 'p-limit';
import type { Sensitive } from '../../model/sensitive.ts';
import { MetalApiError, errorMessages } from './errors.ts';

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
  /** Per attempt. */
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
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

/** Errors from which no request reached the server: always safe to retry. */
const notSentCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);

const defaultSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** Seconds (`Retry-After: 7`), an HTTP date, or Metal's `X-RateLimit-Reset` epoch seconds. */
export function rateLimitPauseMs(
  headers: Record<string, unknown>,
  now: number,
): number | undefined {
  const retryAfter = headers['retry-after'];
  if (typeof retryAfter === 'string' && retryAfter.trim() !== '') {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const reset = Number(headers['x-ratelimit-reset']);
  if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - now);
  return undefined;
}

/**
 * Sends Metal API requests: the token in `X-Auth-Token`, a timeout per attempt, a global limit of
 * requests in flight, retries with exponential backoff and full jitter for what is safe to retry,
 * and one shared pause for every call of the process after a 429.
 */
export class MetalTransport {
  readonly #http: AxiosInstance;
  readonly #limit: LimitFunction;
  readonly #options: Required<
    Pick<TransportOptions, 'retries' | 'backoffBaseMs' | 'backoffMaxMs' | 'maxPauseMs'>
  > &
    TransportOptions;
  #pausedUntil = 0;

  constructor(options: TransportOptions) {
    this.#options = {
      retries: 4,
      backoffBaseMs: 200,
      backoffMaxMs: 10_000,
      maxPauseMs: 300_000,
      ...options,
    };
    this.#limit = pLimit(options.concurrency ?? 8);
    this.#http = axios.create({
      baseURL: options.baseURL,
      timeout: options.timeoutMs ?? 15_000,
      headers: {
        'X-Auth-Token': options.token.reveal(),
        Accept: 'application/json',
        'Content-Type': 'application/json',
        'User-Agent': 'equinix-metal-ccm',
      },
      validateStatus: () => true,
      transitional: { clarifyTimeoutError: true },
    });
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }

  #sleep(ms: number): Promise<void> {
    return (this.#options.sleep ?? defaultSleep)(ms);
  }

  #backoff(attempt: number): number {
    const { backoffBaseMs, backoffMaxMs, random = Math.random } = this.#options;
    return Math.floor(random() * Math.min(backoffMaxMs, backoffBaseMs * 2 ** attempt));
  }

  /** Until when every call waits (epoch ms); 0 when not paused. */
  get pausedUntil(): number {
    return this.#pausedUntil;
  }

  async #waitForPause(): Promise<void> {
    for (
      let wait = this.#pausedUntil - this.#now();
      wait > 0;
      wait = this.#pausedUntil - this.#now()
    ) {
      await this.#sleep(wait);
    }
  }

  #pause(ms: number): void {
    const until = this.#now() + Math.min(ms, this.#options.maxPauseMs);
    if (until > this.#pausedUntil) {
      this.#pausedUntil = until;
      this.#options.onRateLimited?.(until - this.#now());
    }
  }

  async #attempt(spec: MetalRequestSpec, attempt: number): Promise<AxiosResponse | MetalApiError> {
    await this.#waitForPause();
    return this.#limit(async () => {
      const started = this.#now();
      const report = (outcome: number | string): void => {
        const call: MetalCall = {
          operation: spec.operation,
          method: spec.method,
          path: spec.path,
          outcome,
          durationMs: this.#now() - started,
          attempt,
        };
        this.#options.onCall?.(call);
        this.#options.log?.debug(call, 'metal call');
      };
      try {
        const response = await this.#http.request({
          method: spec.method,
          url: spec.path,
          params: spec.query,
          data: spec.body,
        });
        report(response.status);
        return response;
      } catch (error) {
        // Never keep axios's error: it carries the request config, token header included.
        const code = axios.isAxiosError(error) ? (error.code ?? 'ERR_NETWORK') : 'ERR_UNKNOWN';
        report(code);
        return new MetalApiError({
          method: spec.method,
          path: spec.path,
          operation: spec.operation,
          code,
        });
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
        if (!safe || last) throw result;
        await this.#sleep(this.#backoff(attempt));
        continue;
      }
      const { status, headers } = result;
      const data: unknown = result.data;
      if (status < 400) return { status, data };
      const failure = new MetalApiError({
        status,
        method: spec.method,
        path: spec.path,
        operation: spec.operation,
        messages: errorMessages(data),
      });
      if (status === 429) {
        // Rejected, so never carried out: safe to send again, once the pause is over.
        this.#pause(rateLimitPauseMs(headers, this.#now()) ?? this.#backoff(attempt + 2));
        this.#options.log?.warn(
          { operation: spec.operation, pausedUntil: this.#pausedUntil },
          'Metal API rate limit',
        );
        if (last) throw failure;
        continue;
      }
      if (status >= 500 && spec.idempotent && !last) {
        await this.#sleep(this.#backoff(attempt));
        continue;
      }
      throw failure;
    }
  }
}
