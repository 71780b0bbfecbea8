import { byText } from '../../model/order.ts';
import { freeze } from 'immer';
import { resourcePath, type Resource } from './resources.ts';
import { keyOf, listAll } from './list.ts';
import { trimmed } from './trim.ts';
import { KubeApiError } from './api-error.ts';
import type { KubeObjectLike, KubeRest, WatchEvent } from './rest.ts';

/** What a cache went through, for logs, metrics and tests. */
export type CacheEvent =
  'listed' | 'watch-ended' | 'watch-failed' | 'gone' | 'stale' | 'relist-due';

export interface CacheLog {
  debug(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface CacheOptions {
  readonly resource: Resource;
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** How long the server keeps one watch open; then it is resumed from the last version. */
  readonly watchTimeoutSeconds?: number;
  /** A watch that brings nothing for this long is taken for dead (a silent stream) and restarted. */
  readonly staleAfterMs?: number;
  /** A full relist at this period catches anything a watch could have missed. */
  readonly relistEveryMs?: number;
  /** How long one full list may take, every page included (default 2 min). */
  readonly listDeadlineMs?: number;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  readonly onChange?: () => void;
  readonly onEvent?: (event: CacheEvent) => void;
  /**
   * The resource may not exist (a CRD not installed): a 404 leaves the cache synced, empty and
   * `missing`, and the list is tried again later.
   */
  readonly optional?: boolean;
  readonly log?: CacheLog;
}

/** An object as the cache keeps it: only what planners read, and immutable. */
const kept = <T extends KubeObjectLike>(object: T): T => freeze(trimmed(object), true);

class GoneError extends Error {}
class StaleError extends Error {}

/**
 * A list+watch cache of one kind of object that does not give up: any watch error is retried with
 * backoff from the last version seen; a 410 Gone (the version is too old) relists; a stream that
 * stays silent past its deadline is dropped and resumed; a periodic relist corrects drift; an API
 * server restart is just a failed watch. `synced` turns true after the first complete list.
 */
export class ResilientCache<T extends KubeObjectLike> {
  readonly #rest: KubeRest;
  readonly #options: CacheOptions;
  #items = new Map<string, T>();
  #listed: readonly T[] | undefined;
  #version = '';
  #synced = false;
  #lastList = 0;
  #failures = 0;
  readonly #stop = new AbortController();
  #running: Promise<void> | undefined;
  #syncedWaiters: (() => void)[] = [];
  #missing = false;

  constructor(rest: KubeRest, options: CacheOptions) {
    this.#rest = rest;
    this.#options = options;
  }

  get synced(): boolean {
    return this.#synced;
  }

  /** An optional resource the API server does not serve (its CRD is not installed). */
  get missing(): boolean {
    return this.#missing;
  }

  #markSynced(): void {
    if (this.#synced) return;
    this.#synced = true;
    for (const resolve of this.#syncedWaiters.splice(0)) resolve();
  }

  /** The kind of object this cache holds. */
  get kind(): string {
    return this.#options.resource.kind;
  }

  /** Every object by namespace/name: the same list until one changes (planners keep what they derived). */
  list(): readonly T[] {
    this.#listed ??= [...this.#items.entries()].sort(([a], [b]) => byText(a, b)).map(([, v]) => v);
    return this.#listed;
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.#items.get(`${namespace ?? ''}/${name}`);
  }

  whenSynced(): Promise<void> {
    return this.#synced
      ? Promise.resolve()
      : new Promise((resolve) => this.#syncedWaiters.push(resolve));
  }

  start(): void {
    this.#running ??= this.#run();
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#running;
  }

  get #path(): string {
    return resourcePath(
      this.#options.resource,
      this.#options.namespace === undefined ? {} : { namespace: this.#options.namespace },
    );
  }

  get #selectors(): Record<string, string | undefined> {
    return {
      labelSelector: this.#options.labelSelector,
      fieldSelector: this.#options.fieldSelector,
    };
  }

  #emit(event: CacheEvent, detail: object = {}): void {
    this.#options.onEvent?.(event);
    this.#options.log?.debug({ kind: this.#options.resource.kind, event, ...detail }, 'cache');
  }

  #stopped(): boolean {
    return this.#stop.signal.aborted;
  }

  async #run(): Promise<void> {
    let mustList = true;
    while (!this.#stopped()) {
      try {
        if (mustList || Date.now() - this.#lastList >= (this.#options.relistEveryMs ?? 600_000)) {
          if (!mustList) this.#emit('relist-due');
          await this.#relist();
          mustList = false;
        }
        await this.#watch();
        this.#failures = 0;
        this.#emit('watch-ended');
      } catch (error) {
        if (this.#stopped()) break;
        if (
          this.#options.optional === true &&
          error instanceof KubeApiError &&
          error.status === 404
        ) {
          if (!this.#missing || this.#items.size > 0) {
            this.#missing = true;
            this.#items = new Map();
            this.#listed = undefined;
            this.#options.onChange?.();
          }
          this.#markSynced();
          mustList = true;
          this.#failures = Math.max(this.#failures, 5); // look again now and then, not at once
          await this.#pause();
          continue;
        }
        if (error instanceof GoneError) {
          this.#emit('gone');
          mustList = true;
          continue;
        }
        this.#failures++;
        const event = error instanceof StaleError ? 'stale' : 'watch-failed';
        this.#options.onEvent?.(event);
        this.#options.log?.warn(
          {
            kind: this.#options.resource.kind,
            event,
            failures: this.#failures,
            err: String(error),
          },
          'watch interrupted; resuming',
        );
        await this.#pause();
      }
    }
  }

  #pause(): Promise<void> {
    const base = this.#options.backoffBaseMs ?? 200;
    const max = this.#options.backoffMaxMs ?? (this.#missing ? 30_000 : 5_000);
    const ms =
      Math.min(max, base * 2 ** Math.min(this.#failures - 1, 10)) * (0.5 + Math.random() / 2);
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#stop.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async #relist(): Promise<void> {
    const { apiVersion, kind } = this.#options.resource;
    const listed = await listAll(this.#rest, this.#path, this.#selectors, {
      signal: this.#stop.signal,
      ...(this.#options.listDeadlineMs === undefined
        ? {}
        : { deadlineMs: this.#options.listDeadlineMs }),
    });
    const items = new Map<string, T>();
    let changed = listed.items.length !== this.#items.size;
    for (const item of listed.items) {
      const key = keyOf(item);
      // The same version is the same object: kept as it is (planners keep what they derived).
      const known = this.#items.get(key);
      const same =
        known !== undefined && known.metadata?.resourceVersion === item.metadata?.resourceVersion;
      items.set(key, same ? known : kept({ ...item, apiVersion, kind } as T));
      changed ||= !same;
    }
    const version = listed.resourceVersion;
    if (changed) this.#listed = undefined;
    const wasMissing = this.#missing;
    this.#missing = false;
    this.#items = items;
    this.#version = version;
    this.#lastList = Date.now();
    this.#emit('listed', { count: items.size });
    this.#markSynced();
    if (changed || wasMissing) this.#options.onChange?.();
  }

  async #watch(): Promise<void> {
    const timeoutSeconds = this.#options.watchTimeoutSeconds ?? 300;
    const staleAfter = this.#options.staleAfterMs ?? (timeoutSeconds + 30) * 1000;
    const watch = new AbortController();
    const onStop = (): void => {
      watch.abort();
    };
    this.#stop.signal.addEventListener('abort', onStop);
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        watch.abort(new StaleError(`no word from the watch for ${staleAfter} ms`));
      }, staleAfter);
    };
    arm();
    try {
      await this.#rest.watch(
        this.#path,
        {
          ...this.#selectors,
          resourceVersion: this.#version,
          allowWatchBookmarks: true,
          timeoutSeconds,
        },
        (event) => {
          arm();
          this.#apply(event);
        },
        watch.signal,
      );
    } catch (error) {
      if (watch.signal.reason instanceof StaleError) throw watch.signal.reason;
      if (error instanceof KubeApiError && error.status === 410) throw new GoneError(error.message);
      throw error;
    } finally {
      clearTimeout(timer);
      this.#stop.signal.removeEventListener('abort', onStop);
      watch.abort();
    }
  }

  #apply(event: WatchEvent): void {
    if (event.type === 'ERROR') {
      const { code, message } = event.object;
      if (code === 410) throw new GoneError(message ?? 'resource version too old');
      throw new Error(`watch error ${String(code)}: ${message ?? ''}`);
    }
    const object = event.object;
    const version = object.metadata?.resourceVersion;
    if (version !== undefined) this.#version = version;
    if (event.type === 'BOOKMARK') return;
    const key = keyOf(object);
    if (event.type === 'DELETED') this.#items.delete(key);
    else this.#items.set(key, kept(object as T));
    this.#listed = undefined;
    this.#options.onChange?.();
  }
}
