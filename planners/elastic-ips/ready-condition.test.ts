import type { V1Service } from '@kubernetes/client-node';
import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import type { Desired } from '../../model/desired.ts';
import { serviceTags } from '../../model/marks/tags.ts';
import { cluster, holding, reservation, service, world } from '../../test/support/service-world.ts';
import { planElasticIps } from './elastic-ips.ts';

const type = 'metal.equinix.com/ElasticIPReady';

/** Each Service's planned ElasticIPReady condition, as `status reason`. */
function conditions(out: Desired): Record<string, string> {
  const found: Record<string, string> = {};
  for (const o of out.objects) {
    const desired: V1Service | undefined = o.desired;
    const c = desired?.status?.conditions?.find((x) => x.type === type);
    if (c !== undefined) found[desired?.metadata?.name ?? ''] = `${c.status} ${c.reason}`;
  }
  return found;
}

/** The Service as the API server would hold it once the plan's writes (the last one) were applied. */
const applied = (out: Desired, name: string): V1Service | undefined =>
  out.objects
    .map((o): V1Service | undefined => o.desired)
    .findLast((s) => s?.metadata?.name === name);

describe('the ElasticIPReady condition of a Service', () => {
  it('says True with the address, or False with why, on the write that sets the address', () => {
    const web = holding(service('web'), '198.51.100.1');
    const out = planElasticIps(
      world({
        services: [
          web,
          service('fresh'),
          service('nowhere', {}, { 'metal.equinix.com/eip-metro': 'Dallas!' }),
          service('stranger', { loadBalancerIP: '192.0.2.9' }),
          service('waiting'),
        ],
        reservations: [
          reservation(1, serviceTags('default', 'web', cluster)),
          reservation(2, serviceTags('default', 'waiting', cluster), undefined, 'pending'),
        ],
      }),
    );
    expect(conditions(out)).toEqual({
      web: 'True Assigned',
      fresh: 'True Assigned',
      nowhere: 'False NoLocation',
      stranger: 'False NotInProject',
      waiting: 'False Pending',
    });
    // A Service whose Elastic IP is requested now gets its address and its condition in this loop
    // (known after apply): the message the next loop would write, from the reservation's answer.
    const fresh = applied(out, 'fresh')?.status?.conditions?.find((c) => c.type === type);
    expect(fresh?.message).toBe(
      'Elastic IP (known after apply: address of reservation for default/fresh) (reservation (known after apply: id of reservation for default/fresh))',
    );
  });

  it('is written on a transition only, keeping the conditions others wrote', () => {
    const theirs = { type: 'example.com/Other', status: 'True', reason: 'Fine', message: '' };
    const web = produce(holding(service('web'), '198.51.100.1'), (d) => {
      d.status = { ...d.status, conditions: [theirs as never] };
    });
    const snapshot = (s: V1Service) =>
      world({
        services: [s],
        reservations: [reservation(1, serviceTags('default', 'web', cluster))],
      });
    const first = planElasticIps(snapshot(web));
    const after = applied(first, 'web');
    expect(after?.status?.conditions?.map((c) => `${c.type}=${c.status}`)).toEqual([
      'example.com/Other=True',
      `${type}=True`,
    ]);
    expect(after?.status?.conditions?.[1]).toMatchObject({
      message: 'Elastic IP 198.51.100.1 (reservation 00000000-0000-4000-8000-000000000001)',
      lastTransitionTime: '2026-11-01T12:00:00Z',
    });
    // A loop later, nothing has changed: nothing is written.
    expect(planElasticIps(snapshot(after ?? web)).objects).toEqual([]);
  });

  it('is taken back from a Service that is no longer a LoadBalancer', () => {
    const snapshot = (s: V1Service) =>
      world({
        services: [s],
        reservations: [reservation(1, serviceTags('default', 'web', cluster))],
      });
    const assigned = applied(
      planElasticIps(snapshot(holding(service('web'), '198.51.100.1'))),
      'web',
    );
    const retyped = produce(assigned, (d) => {
      if (d?.spec !== undefined) d.spec.type = 'ClusterIP';
    });
    const out = planElasticIps(snapshot(retyped ?? service('web')));
    expect(
      out.objects.map((o): V1Service | undefined => o.desired).map((s) => s?.status?.conditions),
    ).toContainEqual([]);
    expect(conditions(out)).toEqual({});
  });
});
