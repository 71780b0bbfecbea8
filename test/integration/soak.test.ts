import { describe, expect, it } from 'vitest';
import { ciChanges, ciRuns } from '../soak/seeds.ts';
import { soak } from '../soak/soak.ts';
import { kube } from '../support/integration.ts';

// The short soak of `npm run soak`, on the fixed runs of seeds.ts: a failure names the seed to
// replay with `npm run soak`.
describe('soak: churn, faults, kills and an API server restart', () => {
  it.each(
    ciRuns.map(
      (run) =>
        [
          `seed ${String(run.seed)}, ${run.loadBalancer}, --eip-limit=${String(run.eipLimit)}`,
          run,
        ] as const,
    ),
  )('keeps every invariant (%s)', { timeout: 150_000 }, async (_, run) => {
    const report = await soak({
      ...run,
      kube: kube(),
      restartApiserver: async () => {
        const answer = await fetch(`${kube().controlUrl}/restart-apiserver`, { method: 'POST' });
        if (!answer.ok) throw new Error(`restarting kube-apiserver: ${String(answer.status)}`);
      },
      changes: ciChanges,
      faultShare: 0.2,
      timeLimitMs: 120_000,
    });
    const told = [JSON.stringify(report.counts), ...report.evidence].join('\n');
    expect(report.violations, told).toEqual([]);
  });
});
