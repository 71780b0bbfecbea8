import type { KubeObjectLike, KubeRest } from './rest.ts';

interface ListBody {
  metadata?: { resourceVersion?: string; continue?: string };
  items?: KubeObjectLike[];
}

export interface ListBounds {
  /** Objects per page (the `limit` asked for). */
  readonly limit?: number;
  /** The most pages read of one list, whatever the continue tokens say. */
  readonly maxPages?: number;
  /** How long the whole list may take, every page included. */
  readonly deadlineMs?: number;
  /** Ends the list early (the cache stopping). */
  readonly signal?: AbortSignal;
}

/** A list that could not be read in full within its bounds; names the list and the page. */
export class ListBoundsError extends Error {
  override readonly name = 'ListBoundsError';
}

/** An object's identity in a list: `namespace/name`. */
export const keyOf = (o: KubeObjectLike): string =>
  `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

/** The whole-list deadline and the caller's signal, as one; `done` clears the deadline's timer. */
function listSignal(path: string, bounds: ListBounds): { signal: AbortSignal; done: () => void } {
  const ms = bounds.deadlineMs ?? 120_000;
  const controller = new AbortController();
  const timer = setTimeout(() => {
    const what = `Kubernetes list of ${path} did not finish within ${String(ms / 1000)}s`;
    controller.abort(new ListBoundsError(what));
  }, ms);
  const signals =
    bounds.signal === undefined ? [controller.signal] : [controller.signal, bounds.signal];
  return {
    signal: AbortSignal.any(signals),
    done: () => {
      clearTimeout(timer);
    },
  };
}

/**
 * Every page of a list (`limit` + `continue`), bounded: each request has the REST layer's own
 * deadline (the body included), the whole list has one too, and a list whose continue tokens
 * repeat, whose pages list an object twice, or that runs past `maxPages` fails naming the list.
 */
export async function listAll(
  rest: KubeRest,
  path: string,
  query: Readonly<Record<string, string | undefined>>,
  bounds: ListBounds = {},
): Promise<{ items: KubeObjectLike[]; resourceVersion: string }> {
  const { signal, done } = listSignal(path, bounds);
  try {
    return await pages(rest, path, query, { ...bounds, signal });
  } finally {
    done();
  }
}

async function pages(
  rest: KubeRest,
  path: string,
  query: Readonly<Record<string, string | undefined>>,
  bounds: ListBounds & { signal: AbortSignal },
): Promise<{ items: KubeObjectLike[]; resourceVersion: string }> {
  const { signal } = bounds;
  const fail = (page: number, problem: string): never => {
    throw new ListBoundsError(
      `Kubernetes list of ${path} stopped at page ${String(page)}: ${problem}`,
    );
  };
  const items = new Map<string, KubeObjectLike>();
  const tokens = new Set<string>();
  const maxPages = bounds.maxPages ?? 1000;
  for (let page = 1, next: string | undefined; ; page++) {
    const body = await rest
      .request<ListBody>({
        method: 'GET',
        path,
        query: { ...query, limit: bounds.limit ?? 500, continue: next },
        signal,
      })
      .catch((error: unknown) => {
        throw signal.reason instanceof ListBoundsError ? signal.reason : error;
      });
    for (const item of body.items ?? []) {
      if (items.has(keyOf(item))) fail(page, `it lists ${keyOf(item)} again`);
      items.set(keyOf(item), item);
    }
    next = body.metadata?.continue || undefined;
    if (next === undefined)
      return { items: [...items.values()], resourceVersion: body.metadata?.resourceVersion ?? '' };
    if (tokens.has(next)) fail(page, 'its continue token repeats an earlier one');
    if (page >= maxPages) fail(page, `more than ${String(maxPages)} pages`);
    tokens.add(next);
  }
}
