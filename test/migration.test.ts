import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { V1ConfigMap } from '../model/kubernetes.ts';
import { converge } from './support/converge.ts';

// fixtures/migration-upstream: a cluster and project as the upstream CCM leaves them.
describe('migrating from the upstream CCM', () => {
  it('plans no Metal change, adopts what the upstream CCM made, and then nothing (no churn)', async () => {
    const { plans, failures, objects } = await converge('migration-upstream');
    const [first, second] = plans;
    expect(first?.actions.filter((a) => a.kind === 'metal.request')).toEqual([]);
    expect(first?.warnings).toEqual([]);
    expect(first?.actions.map((a) => `${a.kind} ${a.target}`).sort()).toEqual([
      'kubernetes.patch ConfigMap metallb-system/config',
      'kubernetes.patch Node cp-1',
      // The condition of the BGP sessions, which the upstream CCM does not write.
      'kubernetes.patch Node cp-1 status',
      'kubernetes.patch Node worker-1',
      'kubernetes.patch Node worker-1 status',
      'kubernetes.patch Node worker-2',
      'kubernetes.patch Node worker-2 status',
      'kubernetes.patch Service default/api',
      // Their condition metal.equinix.com/ElasticIPReady, which the upstream CCM does not write.
      'kubernetes.patch Service default/api status',
      'kubernetes.patch Service default/web',
      'kubernetes.patch Service default/web status',
    ]);
    expect(failures).toEqual([]);
    expect(second?.actions).toEqual([]);
    expect(plans).toHaveLength(2);
    // MetalLB's ConfigMap: one peer per node and router, one pool per address (the upstream CCM's
    // entries replaced, not kept beside the CCM's), the hand-written ones kept.
    const configMap = objects.find((o): o is V1ConfigMap => o.kind === 'ConfigMap');
    const config = parse(configMap?.data?.['config'] ?? '') as {
      peers: {
        'peer-address': string;
        'node-selectors'?: { 'match-labels': Record<string, string> }[];
      }[];
      'address-pools': { name: string; addresses: string[] }[];
    };
    const hostnames = config.peers.map(
      (p) =>
        `${p['node-selectors']?.[0]?.['match-labels']['kubernetes.io/hostname'] ?? 'by hand'} ${p['peer-address']}`,
    );
    expect(hostnames).toEqual([
      'by hand 192.0.2.1',
      'cp-1 169.254.255.1',
      'cp-1 169.254.255.2',
      'worker-1 169.254.255.1',
      'worker-1 169.254.255.2',
      'worker-2 169.254.255.1',
      'worker-2 169.254.255.2',
    ]);
    expect(config['address-pools'].map((p) => `${p.name} ${p.addresses.join(',')}`)).toEqual([
      'hand-made 192.0.2.128/25',
      'metal-ccm/default/api 198.51.100.17/32',
      'metal-ccm/default/web 198.51.100.16/32',
    ]);
  });
});
