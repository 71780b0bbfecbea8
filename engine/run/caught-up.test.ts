import { describe, expect, it } from 'vitest';
import type { ActionId } from '../../model/ids.ts';
import type { Action } from '../../model/plan.ts';
import { untilReflected, type FindCached, type Written } from './caught-up.ts';

const object = { kind: 'Service', apiVersion: 'v1', namespace: 'default', name: 'web' } as const;

const patch = (id: string, from: string): Action =>
  ({
    id: id as ActionId,
    kind: 'kubernetes.patch',
    area: 'elastic-ips',
    target: 'Service default/web',
    object,
    guard: { resourceVersion: from },
    patch: [],
    dependsOn: [],
  }) as unknown as Action;

/** A cache holding the Service at `version`, moved on by `see`; `changed` resolves on each move. */
function cacheAt(version: string) {
  let current = version;
  let waiters: (() => void)[] = [];
  const find: FindCached = () => ({
    object: { metadata: { name: 'web', resourceVersion: current } },
  });
  return {
    find,
    changed: () => new Promise<void>((resolve) => waiters.push(resolve)),
    see(next: string) {
      current = next;
      for (const w of waiters) w();
      waiters = [];
    },
  };
}

// Three writes of one Service in a loop: planned at 1, each leaves the next version.
const written: Written[] = [
  { action: patch('a', '1'), resourceVersion: '2' },
  { action: patch('b', '1'), resourceVersion: '3' },
  { action: patch('c', '1'), resourceVersion: '4' },
];

describe('untilReflected', () => {
  it('waits for the last write of an object, not the first', async () => {
    const cache = cacheAt('2');
    let done = false;
    const waiting = untilReflected(cache.find, written, {
      timeoutMs: 5000,
      stopped: () => false,
      changed: cache.changed,
    }).then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    cache.see('3');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(done).toBe(false);
    cache.see('4');
    await waiting;
    expect(done).toBe(true);
  });

  it('takes a version nobody of this loop wrote (a later write of someone else) as caught up', async () => {
    const cache = cacheAt('9');
    const started = Date.now();
    await untilReflected(cache.find, written, {
      timeoutMs: 5000,
      stopped: () => false,
      changed: cache.changed,
    });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('gives up at its deadline when the cache never catches up', async () => {
    const cache = cacheAt('1');
    const started = Date.now();
    await untilReflected(cache.find, written, {
      timeoutMs: 150,
      stopped: () => false,
      changed: cache.changed,
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});
