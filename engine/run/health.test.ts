import { describe, expect, it } from 'vitest';
import { livenessChecks, loopWindowMs, readinessChecks, type HealthState } from './health.ts';

const healthy: HealthState = {
  now: 1_000_000,
  kubernetes: undefined,
  lease: undefined,
  loopingSince: 0,
  lastLoopEnded: 990_000,
  metal: undefined,
  resyncMs: 30_000,
};

const failures = (checks: ReturnType<typeof livenessChecks>) =>
  checks.flatMap((c) => {
    const failure = c.failure();
    return failure === undefined ? [] : [`${c.name}: ${failure}`];
  });

describe('liveness', () => {
  it('allows max(3 × resync, 2 min) without a finished loop while the process should loop', () => {
    expect(loopWindowMs(30_000)).toBe(120_000);
    expect(loopWindowMs(60_000)).toBe(180_000);
    expect(failures(livenessChecks(() => ({ ...healthy, lastLoopEnded: 880_000 })))).toEqual([]);
    expect(failures(livenessChecks(() => ({ ...healthy, lastLoopEnded: 879_000 })))).toEqual([
      'reconcile-loop: no loop has ended for 121s (the limit is 120s)',
    ]);
  });

  it('counts from when the process began to lead, and not at all for a standby', () => {
    expect(
      failures(livenessChecks(() => ({ ...healthy, loopingSince: 950_000, lastLoopEnded: 10 }))),
    ).toEqual([]);
    expect(
      failures(
        livenessChecks(() => ({ ...healthy, loopingSince: undefined, lastLoopEnded: undefined })),
      ),
    ).toEqual([]);
  });
});

describe('readiness', () => {
  it('fails while the API server or the caches, the Lease or the Metal observation fail', () => {
    expect(failures(readinessChecks(() => healthy))).toEqual([]);
    expect(
      failures(
        readinessChecks(() => ({
          ...healthy,
          kubernetes: 'the Kubernetes caches are not synced yet',
          lease: 'the Lease kube-system/ccm cannot be read or written: 403',
          metal: 'Metal API: 500',
        })),
      ),
    ).toEqual([
      'kubernetes: the Kubernetes caches are not synced yet',
      'leader-lease: the Lease kube-system/ccm cannot be read or written: 403',
      'metal-observation: Metal API: 500',
    ]);
  });

  it('does not hold a standby’s readiness to Metal (it makes no Metal calls)', () => {
    expect(
      failures(
        readinessChecks(() => ({ ...healthy, loopingSince: undefined, metal: 'not observed yet' })),
      ),
    ).toEqual([]);
  });
});
