import { MetalResponseError } from './errors.ts';

/** The `meta` of a list page (ENDPOINTS.md §0). */
export interface PageMeta {
  readonly current_page?: number;
  readonly last_page?: number;
  readonly total?: number;
  readonly next?: { readonly href?: string } | null;
}

/** The most pages read of one list, whatever the API claims: 1,000 pages of 1,000. */
export const absolutePageCap = 1000;

/**
 * Keeps the reading of one paged list finite and honest. Reading stops at `meta.last_page`, and
 * fails (naming the operation and the page) on a page that does not advance, an id seen on an
 * earlier page, more pages than `meta.total` allows at the size the API serves, or more pages
 * than the absolute cap: a list that never ends is an error, not a hang.
 */
export class PageBounds {
  readonly #operation: string;
  readonly #cap: number;
  readonly #seen = new Set<string>();
  /** Items per page as the API serves them (its first full page), which may be fewer than asked. */
  #pageSize: number | undefined;

  constructor(operation: string, cap = absolutePageCap) {
    this.#operation = operation;
    this.#cap = cap;
  }

  #fail(page: number, problem: string): never {
    throw new MetalResponseError(
      this.#operation,
      `paging stopped at page ${String(page)}: ${problem}`,
    );
  }

  /** Checks page `page` (asked for) and says whether another follows. */
  next(page: number, items: readonly unknown[], meta: PageMeta): boolean {
    const current = meta.current_page ?? page;
    if (current !== page)
      this.#fail(page, `the API answered page ${String(current)}: the pages do not advance`);
    for (const item of items) {
      const id = (item as { id?: unknown } | null)?.id;
      if (typeof id !== 'string') continue;
      if (this.#seen.has(id)) this.#fail(page, `it repeats ${id}, listed on an earlier page`);
      this.#seen.add(id);
    }
    const more = meta.last_page === undefined ? meta.next != null : page < meta.last_page;
    if (!more) return false;
    this.#pageSize ??= items.length;
    this.#checkTotal(page, meta);
    if (page >= this.#cap) this.#fail(page, `more than ${String(this.#cap)} pages`);
    return true;
  }

  /** A claim of another page that the list's own total rules out. */
  #checkTotal(page: number, meta: PageMeta): void {
    if (meta.total === undefined) return;
    const pages = Math.max(1, Math.ceil(meta.total / Math.max(1, this.#pageSize ?? 1)));
    const claimed = meta.last_page ?? page + 1;
    if (claimed > pages)
      this.#fail(
        page,
        `it claims ${String(claimed)} pages, more than its total of ${String(meta.total)} items allows (${String(pages)} of ${String(this.#pageSize)})`,
      );
  }
}
