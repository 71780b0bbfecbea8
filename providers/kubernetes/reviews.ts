import type { KubeRest } from './rest.ts';

/** Who made a request, as the API server says (TokenReview) or a client certificate does. */
export interface UserInfo {
  readonly username: string;
  readonly uid?: string;
  readonly groups: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

export type TokenReviewResult =
  | { readonly authenticated: true; readonly user: UserInfo }
  | { readonly authenticated: false; readonly error: string };

export interface AccessReviewResult {
  readonly allowed: boolean;
  readonly reason: string;
}

interface TokenReviewStatus {
  status?: {
    authenticated?: boolean;
    error?: string;
    user?: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
  };
}

interface AccessReviewStatus {
  status?: { allowed?: boolean; denied?: boolean; reason?: string; evaluationError?: string };
}

/**
 * The two reviews a Kubernetes component delegates to the API server: whether a bearer token is
 * valid and whose it is (TokenReview), and whether a user may do something (SubjectAccessReview).
 */
export class Reviews {
  readonly #rest: KubeRest;

  constructor(rest: KubeRest) {
    this.#rest = rest;
  }

  async token(token: string): Promise<TokenReviewResult> {
    const review = await this.#rest.request<TokenReviewStatus>({
      method: 'POST',
      path: '/apis/authentication.k8s.io/v1/tokenreviews',
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } },
    });
    const status = review.status ?? {};
    const user = status.user;
    if (status.authenticated !== true || user?.username === undefined)
      return { authenticated: false, error: status.error ?? 'the token is not valid' };
    return {
      authenticated: true,
      user: {
        username: user.username,
        groups: user.groups ?? [],
        ...(user.uid === undefined ? {} : { uid: user.uid }),
        ...(user.extra === undefined ? {} : { extra: user.extra }),
      },
    };
  }

  /** May `user` do `verb` on the non-resource `path` (e.g. get /metrics)? */
  async access(user: UserInfo, verb: string, path: string): Promise<AccessReviewResult> {
    const review = await this.#rest.request<AccessReviewStatus>({
      method: 'POST',
      path: '/apis/authorization.k8s.io/v1/subjectaccessreviews',
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: {
          user: user.username,
          groups: user.groups,
          ...(user.uid === undefined ? {} : { uid: user.uid }),
          ...(user.extra === undefined ? {} : { extra: user.extra }),
          nonResourceAttributes: { path, verb },
        },
      },
    });
    const status = review.status ?? {};
    return {
      allowed: status.allowed === true && status.denied !== true,
      reason: status.reason ?? status.evaluationError ?? '',
    };
  }
}
