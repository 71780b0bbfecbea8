import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type {
  AccessReviewResult,
  TokenReviewResult,
  UserInfo,
} from '../../../providers/kubernetes/reviews.ts';
import type { DelegatedAuthOptions } from './options.ts';

/** The reviews the API server makes for us (providers/kubernetes/reviews.ts). */
export interface Reviewer {
  token(token: string): Promise<TokenReviewResult>;
  access(user: UserInfo, verb: string, path: string): Promise<AccessReviewResult>;
}

export type Decision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly status: 401 | 403; readonly message: string };

const anonymous: UserInfo = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

/** A small cache whose entries expire (the review caches of `--authentication-token-webhook-cache-ttl` and co.). */
class Expiring<T> {
  readonly #entries = new Map<string, { value: T; until: number }>();
  get(key: string, now: number): T | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined || entry.until <= now) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }
  set(key: string, value: T, ttlMs: number, now: number): void {
    if (ttlMs <= 0) return;
    if (this.#entries.size > 10_000) this.#entries.clear();
    this.#entries.set(key, { value, until: now + ttlMs });
  }
}

function allowedPath(patterns: readonly string[], path: string): boolean {
  return patterns.some((p) => (p.endsWith('*') ? path.startsWith(p.slice(0, -1)) : p === path));
}

/**
 * Delegated authentication and authorization, as Kubernetes components serve /metrics: a client
 * certificate signed by the client CA, or a bearer token the API server vouches for (TokenReview),
 * or anonymous; then the paths always allowed, `system:masters`, or a SubjectAccessReview for the
 * request's verb on its path. Answers are cached for their TTLs; tokens only by their hash.
 */
export class DelegatedAuth {
  readonly #reviewer: Reviewer;
  readonly #options: DelegatedAuthOptions;
  readonly #tokens = new Expiring<TokenReviewResult>();
  readonly #access = new Expiring<AccessReviewResult>();
  readonly #now: () => number;
  /**
   * Whether client certificates authenticate: only once a client CA is configured, since without
   * one the TLS layer would vouch for any certificate of a public CA.
   */
  clientCertificates = false;

  constructor(reviewer: Reviewer, options: DelegatedAuthOptions, now: () => number = Date.now) {
    this.#reviewer = reviewer;
    this.#options = options;
    this.#now = now;
  }

  async decide(request: IncomingMessage, path: string): Promise<Decision> {
    let user: UserInfo;
    try {
      const found = await this.#authenticate(request);
      if (found === undefined) return { allowed: false, status: 401, message: 'Unauthorized' };
      user = found;
    } catch (error) {
      return { allowed: false, status: 401, message: `Unauthorized: ${describe(error)}` };
    }
    if (allowedPath(this.#options.alwaysAllowPaths, path)) return { allowed: true };
    if (user.groups.includes('system:masters')) return { allowed: true };
    const verb = (request.method ?? 'GET').toLowerCase();
    try {
      const review = await this.#authorize(user, verb, path);
      if (review.allowed) return { allowed: true };
      return {
        allowed: false,
        status: 403,
        message: `forbidden: User "${user.username}" cannot ${verb} path "${path}"${review.reason === '' ? '' : `: ${review.reason}`}`,
      };
    } catch (error) {
      return { allowed: false, status: 403, message: `forbidden: ${describe(error)}` };
    }
  }

  /** The user, anonymous when no credentials came, undefined when credentials came and failed. */
  async #authenticate(request: IncomingMessage): Promise<UserInfo | undefined> {
    if (this.clientCertificates) {
      const fromCert = certificateUser(request);
      if (fromCert !== undefined) return fromCert;
    }
    const header = request.headers.authorization ?? '';
    const token = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
    if (token === undefined) return header === '' ? anonymous : undefined;
    const key = createHash('sha256').update(token).digest('hex');
    const now = this.#now();
    let review = this.#tokens.get(key, now);
    if (review === undefined) {
      review = await this.#reviewer.token(token);
      this.#tokens.set(key, review, this.#options.tokenCacheTtlMs, now);
    }
    return review.authenticated ? review.user : undefined;
  }

  async #authorize(user: UserInfo, verb: string, path: string): Promise<AccessReviewResult> {
    const key = JSON.stringify([user.username, user.uid, user.groups, user.extra, verb, path]);
    const now = this.#now();
    const cached = this.#access.get(key, now);
    if (cached !== undefined) return cached;
    const review = await this.#reviewer.access(user, verb, path);
    const ttl = review.allowed ? this.#options.allowCacheTtlMs : this.#options.denyCacheTtlMs;
    this.#access.set(key, review, ttl, now);
    return review;
  }
}

/** A client certificate the TLS layer verified against the client CA: CN the user, O the groups. */
function certificateUser(request: IncomingMessage): UserInfo | undefined {
  const socket = request.socket as Partial<TLSSocket>;
  if (socket.authorized !== true || typeof socket.getPeerCertificate !== 'function')
    return undefined;
  const subject = socket.getPeerCertificate().subject as
    Record<string, string | string[]> | undefined;
  const cn = subject?.['CN'];
  if (typeof cn !== 'string' || cn === '') return undefined;
  const o = subject?.['O'];
  return {
    username: cn,
    groups: [...(Array.isArray(o) ? o : o === undefined ? [] : [o]), 'system:authenticated'],
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
