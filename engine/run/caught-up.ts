import { refKey, type KubernetesObject, type ObjectRef } from '../../model/kubernetes.ts';
import type { Action } from '../../model/plan.ts';

/**
 * How the caches hold an object now: `undefined` when no cache holds objects of its kind (the CCM
 * does not watch it), else whether and how it is there.
 */
export type FindCached = (ref: ObjectRef) => { readonly object?: KubernetesObject } | undefined;

/** An applied action and the resourceVersion its write left (Kubernetes writes). */
export interface Written {
  readonly action: Action;
  readonly resourceVersion: string | undefined;
}

/**
 * Per object, the versions this loop's writes left behind: each write's starting version (what it
 * was planned against, or what the write before it left). The cache has caught up with an object
 * once it shows none of them. Versions are opaque: only equality is used.
 */
function versionsBehind(written: readonly Written[]): Map<string, Set<string>> {
  const behind = new Map<string, Set<string>>();
  const last = new Map<string, string>();
  for (const { action, resourceVersion } of written) {
    if (action.kind !== 'kubernetes.patch' && action.kind !== 'kubernetes.delete') continue;
    const key = refKey(action.object);
    const versions = behind.get(key) ?? new Set<string>();
    behind.set(key, versions);
    const from = action.guard?.resourceVersion;
    if (from !== undefined) versions.add(from);
    const previous = last.get(key);
    if (previous !== undefined) versions.add(previous);
    if (resourceVersion !== undefined) last.set(key, resourceVersion);
  }
  for (const [key, version] of last) behind.get(key)?.delete(version);
  return behind;
}

/** Whether the caches already show the result of an applied action. */
function reflected(find: FindCached, action: Action, behind: ReadonlySet<string>): boolean {
  if (action.kind === 'metal.request') return true;
  const seen = find(action.object);
  if (seen === undefined) return true; // a kind the CCM does not watch
  switch (action.kind) {
    case 'kubernetes.delete':
      return seen.object?.metadata?.uid !== action.guard.uid;
    case 'kubernetes.create':
    case 'kubernetes.apply':
      return seen.object !== undefined;
    case 'kubernetes.patch': {
      const version = seen.object?.metadata?.resourceVersion;
      return version !== undefined && !behind.has(version);
    }
  }
}

/** Resolves at the next change of any cache, or after `ms`, whichever comes first. */
function changeOrTimeout(changed: () => Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  return Promise.race([changed(), timeout]).finally(() => {
    clearTimeout(timer);
  });
}

/**
 * Waits (at most `timeoutMs`) until the caches show every applied action, the last write of each
 * object included: planning before that would plan the same writes again against old versions,
 * and lose the race with ourselves. Looks again at each change of the caches (`changed`).
 */
export async function untilReflected(
  find: FindCached,
  written: readonly Written[],
  options: { timeoutMs: number; stopped: () => boolean; changed: () => Promise<void> },
): Promise<void> {
  const behind = versionsBehind(written);
  const none = new Set<string>();
  const caughtUp = (): boolean =>
    written.every(({ action }) =>
      reflected(
        find,
        action,
        'object' in action ? (behind.get(refKey(action.object)) ?? none) : none,
      ),
    );
  const deadline = Date.now() + options.timeoutMs;
  while (!options.stopped() && Date.now() < deadline && !caughtUp())
    await changeOrTimeout(options.changed, Math.min(100, deadline - Date.now()));
}
