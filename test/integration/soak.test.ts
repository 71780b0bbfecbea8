import { describe, expect, it } from 'vitest';
import { soak } from '../soak/soak.ts';
import { kube } from '../support/integration.ts';

// The short soak of `npm run soak` (≈150 changes, under two minutes), in every test run; the seed
// changes with the day, and a failure prints it for `npm run soak -- --seed <seed>`.
const seed = Number(process.env['SOAK_SEED'] ?? Math.floor(Date.now() / 86_400_000) % 100_000);

describe('soak: churn, faults, kills and an API server restart', () => {
  it(`keeps every invariant (seed ${String(seed)})`, { timeout: 150_000 }, async () => {
    const report = await soak({
      kube: kube(),
      restartApiserver: async () => {
        const answer = await fetch(`${kube().controlUrl}/restart-apiserver`, { method: 'POST' });
        if (!answer.ok) throw new Error(`restarting kube-apiserver: ${String(answer.status)}`);
      },
      changes: 150,
      seed,
      faultShare: 0.2,
      timeLimitMs: 120_000,
    });
    expect(report.counts['kube-apiserver restarted']).toBe(1);
    expect(report.counts['Service created']).toBeGreaterThan(20);
    expect(report.violations).toEqual([]);
  });
});
