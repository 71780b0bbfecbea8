import { produce, type Draft } from 'immer';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { metallbConverged } from '../../test/support/worlds.ts';
import type { Snapshot } from '../../model/snapshot.ts';
import type { Desired } from '../../model/desired.ts';
import { factsOf } from '../facts/facts.ts';
import { integrationFor } from './index.ts';

/** What the configured MetalLB integration plans. */
const planMetalLB = (snapshot: Snapshot): Desired =>
  integrationFor(snapshot.settings.loadBalancer).plan(snapshot, factsOf(snapshot));

/** A cluster with BGP and two Services, and MetalLB as the CCM left it after one loop. */
const converged = (mode: 'configmap' | 'crds'): Snapshot => metallbConverged(mode, planMetalLB);

/** worker-1's device now sources BGP from another private address. */
const moveWorker1 = (d: Draft<Snapshot>): void => {
  const device = d.metal.devices.find((x) => x.hostname === 'worker-1');
  for (const n of device?.bgpNeighbors ?? []) n.customerIp = '10.70.17.99';
};

const desiredConfig = (snapshot: Snapshot): { document: Record<string, unknown>; text: string } => {
  const [intent] = planMetalLB(snapshot).objects;
  const data = (intent?.desired as { data?: Record<string, string> } | undefined)?.data;
  const text = data?.['config'] ?? '';
  return { document: parse(text) as Record<string, unknown>, text };
};

describe('planMetalLB, legacy ConfigMap', () => {
  it('changes nothing in a converged world', () => {
    expect(planMetalLB(converged('configmap'))).toEqual({
      objects: [],
      metal: [],
      warnings: [],
    });
  });

  it('updates the peers of a node whose address changed, keeping comments and hand-written entries', () => {
    const snapshot = produce(converged('configmap'), (d) => {
      moveWorker1(d);
      const cm = d.kubernetes.metallb?.configMap;
      if (cm?.data !== undefined)
        cm.data['config'] = `# written by hand: do not lose me\n${cm.data['config'] ?? ''}`;
    });
    const config = desiredConfig(snapshot);
    expect(config.text).toContain('# written by hand: do not lose me');
    expect(config.document['bgp-communities']).toEqual({ 'no-advertise': '65535:65282' });
    const sources = (config.document['peers'] as Record<string, unknown>[])
      .filter((p) => JSON.stringify(p).includes('"worker-1"'))
      .map((p) => p['source-address']);
    expect(sources).toEqual(['10.70.17.99', '10.70.17.99']);
  });

  it('reports a missing ConfigMap and plans nothing for it', () => {
    const snapshot = produce(converged('configmap'), (d) => {
      d.kubernetes.metallb = {};
    });
    const desired = planMetalLB(snapshot);
    expect(desired.objects).toEqual([]);
    expect(desired.warnings).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('does not exist'),
        event: 'MetalLBConfigMapMissing',
        regarding: { apiVersion: 'v1', kind: 'Namespace', name: 'metallb-system' },
      }),
    ]);
  });
});

describe('planMetalLB, CRDs', () => {
  it('changes nothing in a converged world', () => {
    expect(planMetalLB(converged('crds')).objects).toEqual([]);
  });

  it('updates the BGPPeers of a node whose address changed, and only those', () => {
    const desired = planMetalLB(produce(converged('crds'), moveWorker1));
    expect(
      desired.objects.map((o) => [
        o.event,
        o.desired?.metadata?.name,
        (o.desired as { spec?: { sourceAddress?: string } }).spec?.sourceAddress,
      ]),
    ).toEqual([
      ['MetalLBObjectUpdated', expect.stringMatching(/^worker-1-0-/), '10.70.17.99'],
      ['MetalLBObjectUpdated', expect.stringMatching(/^worker-1-1-/), '10.70.17.99'],
    ]);
  });

  it('reports CRDs that are not installed and plans nothing for MetalLB', () => {
    const snapshot = produce(converged('crds'), (d) => {
      d.kubernetes.metallb = { crdsMissing: true };
    });
    const desired = planMetalLB(snapshot);
    expect(desired.objects).toEqual([]);
    expect(desired.warnings.map((w) => w.event)).toEqual(['MetalLBCRDsMissing']);
  });
});
