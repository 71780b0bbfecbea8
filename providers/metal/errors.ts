/** Why a Metal API call failed, with what is needed to act on it and nothing secret. */
export class MetalApiError extends Error {
  override readonly name = 'MetalApiError';
  /** The HTTP status, absent when no answer came (network error, timeout). */
  readonly status: number | undefined;
  readonly method: string;
  readonly path: string;
  readonly operation: string;
  /** The API's own messages (`errors` and `error` of its error body). */
  readonly messages: readonly string[];
  /**
   * For failures without an answer: the network error code (ECONNRESET, …), ETIMEDOUT when the
   * request's deadline passed, EDEADLINE when the observation's did.
   */
  readonly code: string | undefined;

  constructor(init: {
    status?: number;
    method: string;
    path: string;
    operation: string;
    messages?: readonly string[];
    code?: string;
    /** What the code means here, in words: `no complete answer within 30s`. */
    detail?: string;
  }) {
    const what = init.status === undefined ? (init.code ?? 'no answer') : String(init.status);
    const detail = init.detail === undefined ? '' : ` (${init.detail})`;
    const said = init.messages?.length ? `: ${init.messages.join('; ')}` : '';
    super(
      `Metal API ${init.operation} (${init.method} ${init.path}) failed: ${what}${detail}${said}`,
    );
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    this.operation = init.operation;
    this.messages = init.messages ?? [];
    this.code = init.code;
  }
}

/** An answer whose body does not have the shape the CCM reads; names the field. */
export class MetalResponseError extends Error {
  override readonly name = 'MetalResponseError';
  constructor(operation: string, problem: string) {
    super(`Metal API ${operation} answered with an unexpected body: ${problem}`);
  }
}

export function isNotFound(error: unknown): boolean {
  return (
    error instanceof MetalApiError &&
    (error.status === 404 || error.messages.some((m) => /not found/i.test(m)))
  );
}

/** 422 "… already has session": the session exists, which is what was wanted. */
export function isAlreadyHasSession(error: unknown): boolean {
  return (
    error instanceof MetalApiError &&
    error.status === 422 &&
    error.messages.some((m) => m.includes('already has session'))
  );
}

export function isUnauthorized(error: unknown): boolean {
  return error instanceof MetalApiError && (error.status === 401 || error.status === 403);
}

/** Which key was refused: its file when it is read from one, else where it may be set. */
export const describeKey = (source: string | undefined): string =>
  source === undefined
    ? 'the API key (METAL_API_KEY or "apiKey")'
    : `the API key read from ${source}`;

/**
 * The one-line message for a refused token or an unknown project; `keySource` says where the key
 * came from (a file, re-read when rotated), so a refusal after a rotation names it.
 */
export function describeStartupFailure(error: unknown, keySource?: string): string {
  if (isUnauthorized(error)) {
    return `the Metal API refused the credentials (${String((error as MetalApiError).status)}): check ${describeKey(keySource)} and that it may use the project (METAL_PROJECT_ID or "projectID")`;
  }
  if (isNotFound(error)) {
    return 'the Metal API does not know the project: check the project ID (METAL_PROJECT_ID or "projectID")';
  }
  return error instanceof Error ? error.message : String(error);
}

/** Reads both forms of the API's error body: `{"errors": [...]}` and `{"error": "..."}`. */
export function errorMessages(body: unknown): string[] {
  if (body === null || typeof body !== 'object') return [];
  const { errors, error } = body as { errors?: unknown; error?: unknown };
  const list = Array.isArray(errors)
    ? errors.filter((e): e is string => typeof e === 'string')
    : [];
  return typeof error === 'string' && error !== '' ? [...list, error] : list;
}
