import { performance } from 'node:perf_hooks';
import { resourcePath, resources } from '../../providers/kubernetes/resources.ts';
import type { KubeRest } from '../../providers/kubernetes/rest.ts';

interface ServiceLike {
  metadata?: { name?: string; resourceVersion?: string };
  status?: { loadBalancer?: { ingress?: { ip?: string }[] } };
}

/**
 * When each Service of `default` first showed an IP in its status, seen through a watch (no
 * polling: a poll would add its period to every figure and load the API server).
 */
export class IpWatch {
  readonly #seen = new Map<string, number>();
  /** When each Service was first seen at all (the API server's create, through its watch). */
  readonly #added = new Map<string, number>();
  readonly #stop = new AbortController();
  readonly #waiters = new Set<() => void>();
  #running: Promise<void> | undefined;

  static async start(admin: KubeRest): Promise<IpWatch> {
    const watch = new IpWatch();
    const path = resourcePath(resources.Service, { namespace: 'default' });
    const list = await admin.request<{
      metadata: { resourceVersion: string };
      items: ServiceLike[];
    }>({ method: 'GET', path });
    for (const s of list.items) watch.#observe(s);
    watch.#running = admin
      .watch(
        path,
        { resourceVersion: list.metadata.resourceVersion, allowWatchBookmarks: false },
        (event) => {
          if (event.type === 'ADDED' || event.type === 'MODIFIED') watch.#observe(event.object);
        },
        watch.#stop.signal,
      )
      .catch(() => undefined);
    return watch;
  }

  #observe(service: ServiceLike): void {
    const name = service.metadata?.name;
    if (name !== undefined && !this.#added.has(name)) this.#added.set(name, performance.now());
    if (name === undefined || this.#seen.has(name)) return;
    if (service.status?.loadBalancer?.ingress?.[0]?.ip === undefined) return;
    this.#seen.set(name, performance.now());
    for (const wake of this.#waiters) wake();
  }

  /** When each of `names` got its IP (performance.now()), once all have; fails after `timeoutMs`. */
  async times(names: readonly string[], timeoutMs = 30_000): Promise<number[]> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const missing = names.filter((n) => !this.#seen.has(n));
      if (missing.length === 0) return names.map((n) => this.#seen.get(n) ?? NaN);
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`${String(missing.length)} Services got no IP`);
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          this.#waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(left, 1000));
        this.#waiters.add(wake);
      });
    }
  }

  /** When each of `names` was first seen (performance.now()); NaN for one not seen. */
  added(names: readonly string[]): number[] {
    return names.map((n) => this.#added.get(n) ?? NaN);
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#running;
  }
}
