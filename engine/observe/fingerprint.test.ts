import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import { fixtureRun } from '../../test/support/fixture-plan.ts';
import { changesBetween, fingerprintOf } from './fingerprint.ts';

describe('what a plan was computed from', () => {
  it('is the same for the same world, and names each object that changed', async () => {
    const { snapshot } = await fixtureRun('lb-churn');
    const before = fingerprintOf(snapshot);
    expect(changesBetween(before, fingerprintOf(snapshot))).toEqual([]);
    const moved = produce(snapshot, (s) => {
      s.kubernetes.nodes[0]!.metadata!.resourceVersion = '999';
      s.kubernetes.services.pop();
      s.metal.reservations[0]!.tags = ['changed'];
      s.metal.devices.push({
        ...s.metal.devices[0]!,
        id: 'ffffffff-0000-4000-8000-000000000000' as never,
      });
      s.settings.eipLimit = 99;
    });
    const node = snapshot.kubernetes.nodes[0]!.metadata!;
    const service = snapshot.kubernetes.services.at(-1)!.metadata!;
    const reservation = snapshot.metal.reservations[0]!;
    expect(changesBetween(before, fingerprintOf(moved))).toEqual([
      'the settings (or the cluster) changed',
      `Node ${node.name!}: changed (resourceVersion ${node.resourceVersion!} → 999)`,
      `Service ${service.namespace!}/${service.name!}: gone`,
      `reservation ${reservation.id} (${reservation.address ?? reservation.state}): changed`,
      expect.stringMatching(/^device ffffffff-0000-4000-8000-000000000000 \(.*\): new$/),
    ]);
  });

  it('holds no secret', async () => {
    const { snapshot } = await fixtureRun('lb-converged');
    const text = JSON.stringify(fingerprintOf(snapshot));
    expect(text).not.toContain(snapshot.settings.apiKey.reveal());
    expect(text).not.toContain(snapshot.settings.bgpPass!.reveal());
  });
});
