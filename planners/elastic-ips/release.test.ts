import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import type { Desired } from '../../model/desired.ts';
import { serviceTags } from '../../model/marks/tags.ts';
import {
  cluster,
  desiredService,
  holding,
  reservation,
  service,
  world,
  addressWrites,
} from '../../test/support/service-world.ts';
import { planElasticIps } from './elastic-ips.ts';

const kubeVip = 'kube-vip.io/loadbalancerIPs';
const webTags = serviceTags('default', 'web', cluster);
const webEip = reservation(1, webTags);
const deletes = (out: Desired): string[] =>
  out.metal.filter((m) => m.operation === 'delete').map((m) => m.target);

describe('a reservation is never released while a live Service shows its address', () => {
  const deleted = holding(service('web', {}, {}, { deleting: true }), '198.51.100.1', kubeVip);

  it.each([
    ['status.loadBalancer.ingress', { status: true }],
    [`annotation ${kubeVip}`, { status: false }],
  ])('waits while another Service shows it in %s, keeping the owner’s finalizer', (place, how) => {
    const stale = produce(service('stale', { type: 'ClusterIP' }), (d) => {
      if (how.status) d.status = { loadBalancer: { ingress: [{ ip: '198.51.100.1' }] } };
      else d.metadata!.annotations = { [kubeVip]: '198.51.100.1' };
    });
    const out = planElasticIps(world({ services: [deleted, stale], reservations: [webEip] }));
    expect(deletes(out)).toEqual([]);
    expect(addressWrites(out)).toEqual([]); // the finalizer stays while the reservation does
    expect(out.warnings).toEqual([
      {
        area: 'elastic-ips',
        subject: 'reservation 198.51.100.1',
        message: `the Service is being deleted, but it is not released while a live Service still shows its address: Service default/stale (${place}); it waits`,
        regarding: expect.objectContaining({ name: 'web' }),
        alsoRegarding: [expect.objectContaining({ name: 'stale' })],
        event: 'ElasticIPReleaseWaiting',
      },
    ]);
  });

  it('releases it once no live Service shows it, then lets the owner go', () => {
    const out = planElasticIps(world({ services: [deleted], reservations: [webEip] }));
    expect(deletes(out)).toEqual(['reservation 198.51.100.1']);
    const [patch] = addressWrites(out);
    expect(desiredService(patch)?.metadata?.finalizers).toBeUndefined();
    expect(patch?.after).toEqual([`reservation ${webEip.id}`]);
  });

  it('takes the address off a retyped owner first, then releases it, and the finalizer next loop', () => {
    const retyped = holding(service('web', { type: 'ClusterIP' }), '198.51.100.1', kubeVip);
    const out = planElasticIps(world({ services: [retyped], reservations: [webEip] }));
    const [patch] = addressWrites(out);
    expect(desiredService(patch)?.status?.loadBalancer).toEqual({});
    expect(desiredService(patch)?.spec?.loadBalancerIP).toBeUndefined();
    expect(desiredService(patch)?.metadata?.annotations).toBeUndefined();
    expect(desiredService(patch)?.metadata?.finalizers).toEqual([
      'service.kubernetes.io/load-balancer-cleanup',
    ]);
    expect(out.metal).toEqual([
      expect.objectContaining({
        target: 'reservation 198.51.100.1',
        after: ['v1/Service/default/web'],
      }),
    ]);
    const next = planElasticIps(world({ services: [desiredService(patch)!], reservations: [] }));
    expect(desiredService(addressWrites(next)[0])?.metadata?.finalizers).toBeUndefined();
  });

  it('does not collect an orphaned reservation a live Service still shows', () => {
    const orphan = reservation(2, serviceTags('default', 'gone', cluster));
    // A Service an older CCM gave this address: no longer a LoadBalancer, its status stale.
    const stale = produce(service('stale', { type: 'ClusterIP' }), (d) => {
      d.status = { loadBalancer: { ingress: [{ ip: '198.51.100.2' }] } };
    });
    const out = planElasticIps(
      world({
        services: [stale],
        reservations: [orphan],
      }),
    );
    expect(deletes(out)).toEqual([]);
    expect(out.warnings.map((w) => [w.subject, w.event, w.regarding?.name])).toEqual([
      ['reservation 198.51.100.2', 'ElasticIPReleaseWaiting', 'stale'],
    ]);
  });

  it('takes a bring-your-own address it gave off a retyped Service, and never releases it', () => {
    const byo = reservation(5, ['team=web']);
    const retyped = holding(service('web', { type: 'ClusterIP' }), '198.51.100.5', kubeVip);
    const out = planElasticIps(world({ services: [retyped], reservations: [byo] }));
    expect(out.metal).toEqual([]);
    expect(desiredService(addressWrites(out)[0])?.status?.loadBalancer).toEqual({});
  });
});
