import { ok, type Answer } from '../answers.ts';
import { api } from '../world.ts';

/**
 * How a broken API pages (a fault): `endless-pages` always claims one more page (empty ones past
 * the end), `repeated-ids` serves the first page's items on every page.
 */
export type PagingFault = 'endless-pages' | 'repeated-ids';

/** A list endpoint. */
export interface PagedList {
  /** Its path (relative to the API base), for the `meta` links. */
  readonly path: string;
  /** The collection's key in the body, e.g. `devices`. */
  readonly key: string;
  /** The API's default page size for it. */
  readonly defaultPerPage: number;
}

/** What the caller asked for (`page`, `per_page`), and how the API is broken, if it is. */
export interface PageOptions {
  readonly query: URLSearchParams;
  readonly fault?: PagingFault | undefined;
}

const pageSize = (list: PagedList, query: URLSearchParams): number =>
  Math.min(
    1000,
    Math.max(1, Number(query.get('per_page') ?? list.defaultPerPage) || list.defaultPerPage),
  );

/**
 * A page of a list with the API's `meta` (ENDPOINTS.md §0): `per_page` above 1000 is taken as 1000,
 * a page past the last answers the last, `next`/`previous` are absent at the ends.
 */
export function paged(list: PagedList, options: PageOptions, items: readonly unknown[]): Answer {
  const perPage = pageSize(list, options.query);
  const realLast = Math.max(1, Math.ceil(items.length / perPage));
  const asked = Math.max(1, Number(options.query.get('page') ?? 1) || 1);
  const endless = options.fault === 'endless-pages';
  const page = endless ? asked : Math.min(realLast, asked);
  const lastPage = endless ? page + 1 : realLast;
  const from = options.fault === 'repeated-ids' ? 0 : (page - 1) * perPage;
  const link = (p: number) => ({ href: `${api}${list.path}?page=${p}&per_page=${perPage}` });
  return ok({
    [list.key]: items.slice(from, from + perPage),
    meta: {
      first: link(1),
      last: link(lastPage),
      self: link(page),
      ...(page > 1 ? { previous: link(page - 1) } : {}),
      ...(page < lastPage ? { next: link(page + 1) } : {}),
      total: items.length,
      current_page: page,
      last_page: lastPage,
    },
  });
}
