import type { Check } from './serving/server.ts';

/** What the checks read, at the moment of the request. */
export interface HealthState {
  readonly now: number;
  /** Why the Kubernetes API or the caches are not usable yet; undefined when they are. */
  readonly kubernetes: string | undefined;
  /** Why the Lease cannot be read or written (a permission problem); undefined otherwise. */
  readonly lease: string | undefined;
  /** Since when this process should be running loops (it leads, or runs dry); undefined: standby. */
  readonly loopingSince: number | undefined;
  readonly lastLoopEnded: number | undefined;
  /** Why the last Metal observation failed, or that one runs past its deadline. */
  readonly metal: string | undefined;
  readonly resyncMs: number;
}

/** How long a process that should loop may go without finishing one: max(3 × resync, 2 min). */
export function loopWindowMs(resyncMs: number): number {
  return Math.max(3 * resyncMs, 120_000);
}

const seconds = (ms: number): string => `${String(Math.round(ms / 1000))}s`;

/**
 * /healthz and /livez: the process answers, and, while it should be looping, a loop has ended
 * within the window; a stuck loop restarts the Pod. A standby has nothing to be stuck on.
 */
export function livenessChecks(state: () => HealthState): Check[] {
  return [
    { name: 'ping', failure: () => undefined },
    {
      name: 'reconcile-loop',
      failure: () => {
        const s = state();
        if (s.loopingSince === undefined) return undefined;
        const since = Math.max(s.loopingSince, s.lastLoopEnded ?? 0);
        const window = loopWindowMs(s.resyncMs);
        return s.now - since > window
          ? `no loop has ended for ${seconds(s.now - since)} (the limit is ${seconds(window)})`
          : undefined;
      },
    },
  ];
}

/**
 * /readyz: the Kubernetes API answers and the caches are synced; the Lease can be read and written;
 * and, while looping, the last Metal observation succeeded within its deadline.
 */
export function readinessChecks(state: () => HealthState): Check[] {
  return [
    { name: 'ping', failure: () => undefined },
    { name: 'kubernetes', failure: () => state().kubernetes },
    { name: 'leader-lease', failure: () => state().lease },
    {
      name: 'metal-observation',
      failure: () => {
        const s = state();
        return s.loopingSince === undefined ? undefined : s.metal;
      },
    },
  ];
}
