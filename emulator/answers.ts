/** What an operation answers: a status, a body (absent for 204) and extra headers. */
export interface Answer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export const ok = (body: unknown, status = 200): Answer => ({ status, body });
export const noContent: Answer = { status: 204 };
export const notFound = (what = 'Not found'): Answer => ({ status: 404, body: { error: what } });
/** The API's validation failure: 422 with `{"errors": [...]}` (ENDPOINTS.md §0). */
export const unprocessable = (...errors: string[]): Answer => ({ status: 422, body: { errors } });
