import { describe, expect, it } from 'vitest';
import type { Desired } from '../../model/desired.ts';
import { serviceTags, usageTag } from '../../model/marks/tags.ts';
import {
  cluster,
  holding,
  otherCluster,
  reservation,
  service,
  world,
  desiredService,
  addressWrites,
} from '../../test/support/service-world.ts';
import { planElasticIps } from './elastic-ips.ts';

const kubeVip = 'kube-vip.io/loadbalancerIPs';
const webTags = serviceTags('default', 'web', cluster);

/** The Services the plan writes to, by name. */
const touched = (out: Desired): (string | undefined)[] =>
  addressWrites(out).map((o) => (o.desired ?? o.observed).metadata?.name);
const deletes = (out: Desired): string[] => out.metal.map((m) => m.target);
const warningsOf = (out: Desired) => out.warnings.map((w) => [w.subject, w.event, w.message]);

describe('an Elastic IP belongs to one Service', () => {
  it.each([
    ['spec.loadBalancerIP', service('thief', { loadBalancerIP: '198.51.100.1' })],
    [`annotation ${kubeVip}`, service('thief', {}, { [kubeVip]: '198.51.100.1' })],
  ])('refuses a Service naming another Service’s address in %s', (place, thief) => {
    const web = holding(service('web'), '198.51.100.1', kubeVip);
    const out = planElasticIps(
      world({ services: [web, thief], reservations: [reservation(1, webTags)] }),
    );
    expect(touched(out)).toEqual([]); // web is converged; nothing is written to the thief
    expect(out.metal).toEqual([]);
    expect(warningsOf(out)).toEqual([
      [
        'Service default/thief',
        'ElasticIPInUse',
        `${place} 198.51.100.1 is the Elastic IP of Service default/web, and only that Service's; nothing done`,
      ],
    ]);
  });

  it('refuses an address tagged for a Service of this cluster that no longer exists', () => {
    const orphan = reservation(2, serviceTags('default', 'gone', cluster));
    const out = planElasticIps(
      world({
        services: [service('thief', { loadBalancerIP: '198.51.100.2' })],
        reservations: [orphan],
      }),
    );
    expect(warningsOf(out)[0]?.[2]).toMatch(/a Service of this cluster that no longer exists/);
    expect(deletes(out)).toEqual(['reservation 198.51.100.2']); // collected as before
  });

  it.each([
    ['another cluster’s Service', serviceTags('default', 'web', otherCluster), /another cluster/],
    [
      'the usage tag with another cluster',
      [usageTag, `cluster=${otherCluster}`],
      /another cluster/,
    ],
    ['only the CCM’s usage tag', [usageTag, 'team=web'], /carries the CCM's tags/],
    ['this cluster’s tag alone', [`cluster=${cluster}`], /carries the CCM's tags/],
  ])('never adopts a reservation tagged for %s', (_, tags, why) => {
    const out = planElasticIps(
      world({
        services: [service('web', { loadBalancerIP: '198.51.100.3' })],
        reservations: [reservation(3, tags)],
      }),
    );
    expect(addressWrites(out)).toEqual([]);
    expect(out.metal).toEqual([]);
    expect(out.warnings).toEqual([
      expect.objectContaining({
        event: 'ElasticIPForeign',
        message: expect.stringMatching(why),
        regarding: expect.objectContaining({ name: 'web' }),
      }),
    ]);
  });

  it('gives a bring-your-own address (the user’s own tags are fine) to the Service naming it', () => {
    const out = planElasticIps(
      world({
        services: [service('web', { loadBalancerIP: '198.51.100.4' })],
        reservations: [reservation(4, ['team=web', 'env=prod'])],
      }),
    );
    expect(out.warnings).toEqual([]);
    expect(desiredService(addressWrites(out)[0])?.metadata?.annotations?.[kubeVip]).toBe(
      '198.51.100.4',
    );
  });
});

describe('two Services naming one bring-your-own address', () => {
  const byo = reservation(5, ['team=web']);
  const older = service(
    'zeta',
    { loadBalancerIP: '198.51.100.5' },
    {},
    { created: '2026-10-01T00:00:00Z' },
  );
  const newer = service(
    'alpha',
    { loadBalancerIP: '198.51.100.5' },
    {},
    { created: '2026-10-02T00:00:00Z' },
  );

  it('gives it to the older (creationTimestamp) and refuses the other, naming the older', () => {
    const out = planElasticIps(world({ services: [newer, older], reservations: [byo] }));
    expect(touched(out)).toEqual(['zeta']);
    expect(warningsOf(out)).toEqual([
      [
        'Service default/alpha',
        'ElasticIPInUse',
        expect.stringContaining('is named by Service default/zeta too, which has it'),
      ],
    ]);
  });

  it('breaks a tie of creationTimestamp by namespace/name', () => {
    const same = { created: '2026-10-01T00:00:00Z' };
    const a = service('a', { loadBalancerIP: '198.51.100.5' }, {}, same);
    const b = service('b', { loadBalancerIP: '198.51.100.5' }, {}, same);
    const out = planElasticIps(world({ services: [b, a], reservations: [byo] }));
    expect(touched(out)).toEqual(['a']);
  });

  it('while the older is being deleted, gives it to nobody; once it is gone, to the next', () => {
    const going = holding(
      service('zeta', { loadBalancerIP: '198.51.100.5' }, {}, { deleting: true }),
      '198.51.100.5',
      kubeVip,
    );
    const first = planElasticIps(world({ services: [newer, going], reservations: [byo] }));
    expect(deletes(first)).toEqual([]); // a bring-your-own reservation is never released
    expect(touched(first)).toEqual(['zeta']); // its finalizer comes off
    expect(desiredService(addressWrites(first)[0])?.metadata?.finalizers).toBeUndefined();
    expect(warningsOf(first)).toEqual([
      [
        'Service default/alpha',
        'ElasticIPInUse',
        expect.stringContaining('is still shown by Service default/zeta'),
      ],
    ]);
    const next = planElasticIps(world({ services: [newer], reservations: [byo] }));
    expect(next.warnings).toEqual([]);
    expect(desiredService(addressWrites(next)[0])?.spec?.loadBalancerIP).toBe('198.51.100.5');
  });

  it('leaves it with the Service that has it, even if an older one names it later', () => {
    const has = holding(newer, '198.51.100.5', kubeVip);
    const out = planElasticIps(world({ services: [older, has], reservations: [byo] }));
    expect(touched(out)).toEqual([]);
    expect(warningsOf(out).map((w) => w[0])).toEqual(['Service default/zeta']);
  });
});
