import { describe, expect, it } from 'vitest';
import { fixtureRun } from '../../test/support/fixture-plan.ts';
import { createMetrics } from './metrics.ts';
import { SnapshotMetrics } from './snapshot-metrics.ts';

/** A gauge's values by their label text, as a scrape shows them. */
async function values(gauge: { get(): Promise<{ values: { labels: object; value: number }[] }> }) {
  const { values: list } = await gauge.get();
  return Object.fromEntries(list.map((v) => [JSON.stringify(v.labels), v.value]));
}

describe('the gauges a loop sets from its snapshot and plan', () => {
  it('counts sessions per switch by state, and the Services pending and for how long', async () => {
    const { snapshot, plan } = await fixtureRun('lb-churn');
    const metrics = createMetrics();
    const gauges = new SnapshotMetrics(metrics);
    gauges.record(snapshot, plan, 1_000_000);
    // Three sessions, worker-1's on two switches ("up,down").
    expect(await values(metrics.bgpSessions)).toEqual({
      '{"state":"up"}': 3,
      '{"state":"down"}': 1,
      '{"state":"unknown"}': 0,
    });
    const pending = (await metrics.servicesPending.get()).values[0]?.value ?? 0;
    // The new one, the one pending approval and the one with a bad metro.
    expect(pending).toBe(3);
    expect((await metrics.servicesPendingMaxAge.get()).values[0]?.value).toBe(0);
    // A loop 90 s later with the same Services waiting: they have waited since the first.
    gauges.record(snapshot, plan, 1_090_000);
    expect((await metrics.servicesPendingMaxAge.get()).values[0]?.value).toBe(90);
    expect((await metrics.servicesPending.get()).values[0]?.value).toBe(pending);
  });

  it('counts the Services held back by --eip-limit', async () => {
    const { snapshot, plan } = await fixtureRun('lb-limit');
    const metrics = createMetrics();
    new SnapshotMetrics(metrics).record(snapshot, plan, 0);
    expect((await metrics.servicesOverLimit.get()).values[0]?.value).toBe(2);
  });
});
