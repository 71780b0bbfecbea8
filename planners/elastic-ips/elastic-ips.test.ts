import { describe, expect, it } from 'vitest';
import {
  cluster,
  otherCluster,
  reservation,
  service,
  world,
  addressWrites,
  desiredService,
} from '../../test/support/service-world.ts';
import { serviceHash, serviceTags } from '../../model/marks/tags.ts';
import { planElasticIps } from './elastic-ips.ts';

describe('service tags', () => {
  it('hash namespace/name as the upstream Go CCM does: standard base64 of SHA-256, 44 characters', () => {
    expect(serviceHash('default', 'web')).toBe('grOt6dAM0WQqTUIOZw1s2Y60hJou4P9m1mieZFyOsz8=');
    expect(serviceHash('default', 'web')).toHaveLength(44);
    expect(serviceTags('default', 'web', cluster)).toEqual([
      'usage=cloud-provider-equinix-metal-auto',
      'service=grOt6dAM0WQqTUIOZw1s2Y60hJou4P9m1mieZFyOsz8=',
      `cluster=${cluster}`,
    ]);
  });
});

describe('planElasticIps', () => {
  it('does nothing without a load balancer', () => {
    expect(planElasticIps(world({ lb: { kind: 'none' }, services: [service('web')] }))).toEqual({
      objects: [],
      metal: [],
      warnings: [],
    });
  });

  it('requests a /32 where upstream’s code does: the Service’s metro, its facility, the configured metro, then facility', () => {
    const out = planElasticIps(
      world({
        services: [
          service('a'),
          service('b', {}, { 'metal.equinix.com/eip-metro': 'SV' }),
          service(
            'c',
            {},
            { 'metal.equinix.com/eip-metro': 'sv', 'metal.equinix.com/eip-facility': 'sv15' },
          ),
          service('d', {}, { 'metal.equinix.com/eip-facility': 'ny5' }),
        ],
      }),
    );
    const bodies = out.metal.map((m) => m.request.body as Record<string, unknown>);
    expect(bodies.map((b) => [b['metro'], b['facility']])).toEqual([
      ['da', undefined],
      ['sv', undefined],
      ['sv', undefined],
      [undefined, 'ny5'],
    ]);
    const facilityOnly = world({ services: [service('e')] });
    const configured = {
      ...facilityOnly,
      metal: { ...facilityOnly.metal, location: { metro: 'da', facility: 'da11' } },
    };
    expect(planElasticIps(configured).metal[0]?.request.body).toMatchObject({ metro: 'da' });
    expect(planElasticIps(configured).metal[0]?.request.body).not.toHaveProperty('facility');
  });

  it('puts the finalizer on with the address, in one write that takes the request’s answer; again if that write did not land', () => {
    const requested = planElasticIps(world({ services: [service('web')] }));
    expect(requested.metal.map((m) => m.after)).toEqual([undefined]);
    const [write, ...others] = addressWrites(requested);
    expect(others).toEqual([]);
    expect(desiredService(write)?.metadata?.finalizers).toEqual([
      'service.kubernetes.io/load-balancer-cleanup',
    ]);
    expect(desiredService(write)?.spec?.loadBalancerIP).toMatch(/known after apply/);
    // The reservation was made; the write was lost (a conflict, a crash).
    const tags = serviceTags('default', 'web', cluster);
    const next = planElasticIps(
      world({ services: [service('web')], reservations: [reservation(1, tags)] }),
    );
    expect(next.metal).toEqual([]);
    const given = desiredService(addressWrites(next)[0]);
    expect(given?.metadata?.finalizers).toContain('service.kubernetes.io/load-balancer-cleanup');
    expect(given?.spec?.loadBalancerIP).toBe('198.51.100.1');
  });

  it('claims Services of its own class, and leaves other classes alone', () => {
    const snap = world({
      services: [
        service('mine', { loadBalancerClass: 'example.com/metal' }),
        service('theirs', { loadBalancerClass: 'other' }),
      ],
    });
    const claimed = planElasticIps({
      ...snap,
      settings: { ...snap.settings, loadBalancerClass: 'example.com/metal' },
    });
    expect(claimed.metal.map((m) => m.target)).toEqual(['Elastic IP for Service default/mine']);
  });

  it('keeps the reservation in use of two for one Service, and releases the other', () => {
    const tags = serviceTags('default', 'web', cluster);
    const out = planElasticIps(
      world({
        services: [service('web', { loadBalancerIP: '198.51.100.9' })],
        reservations: [reservation(1, tags), reservation(9, tags)],
      }),
    );
    expect(out.metal.map((m) => `${m.request.method} ${m.request.path}`)).toEqual([
      'DELETE /ips/00000000-0000-4000-8000-000000000001',
    ]);
  });

  it('collects an orphaned reservation only from a complete observation', () => {
    const orphan = reservation(3, serviceTags('default', 'gone', cluster));
    expect(planElasticIps(world({ reservations: [orphan] })).metal).toHaveLength(1);
    const held = planElasticIps(world({ reservations: [orphan], complete: false }));
    expect(held.metal).toEqual([]);
    expect(held.warnings[0]?.message).toMatch(/incomplete; not released/);
  });

  it('never touches a reservation of another cluster, an untagged one, or the control-plane EIP', () => {
    const other = reservation(4, serviceTags('default', 'web', otherCluster));
    const untagged = reservation(5, ['team=db']);
    const controlPlane = reservation(6, [...serviceTags('kube-system', 'x', cluster), 'cp-eip']);
    const snap = world({ reservations: [other, untagged, controlPlane] });
    expect(
      planElasticIps({ ...snap, settings: { ...snap.settings, eipTag: 'cp-eip' } }).metal,
    ).toEqual([]);
  });

  it('refuses a Service that asks for the control-plane EIP in spec.loadBalancerIP', () => {
    const controlPlane = reservation(6, ['cp-eip'], '198.51.100.6');
    const user = reservation(7, ['team=web'], '198.51.100.7');
    const snap = world({
      services: [
        service('hijack', { loadBalancerIP: '198.51.100.6' }),
        service('chosen', { loadBalancerIP: '198.51.100.7' }),
      ],
      reservations: [controlPlane, user],
    });
    const out = planElasticIps({ ...snap, settings: { ...snap.settings, eipTag: 'cp-eip' } });
    expect(out.warnings).toEqual([
      expect.objectContaining({
        subject: 'Service default/hijack',
        event: 'ElasticIPRefused',
        message: expect.stringMatching(/is the control-plane Elastic IP/),
      }),
    ]);
    expect(addressWrites(out).map((o) => o.desired?.metadata?.name)).toEqual(['chosen']);
    expect(out.metal).toEqual([]);
  });

  it('waits without a cluster identity, saying why', () => {
    const snap = world({ services: [service('web')] });
    const out = planElasticIps({
      ...snap,
      kubernetes: { ...snap.kubernetes, clusterId: undefined },
    });
    expect(out.metal).toEqual([]);
    expect(out.warnings[0]?.message).toMatch(/cluster tag\) is unknown/);
  });

  it('reports a bad location annotation on the Service and goes on with the others', () => {
    const out = planElasticIps(
      world({
        services: [
          service('bad', {}, { 'metal.equinix.com/eip-facility': 'x y' }),
          service('good'),
        ],
      }),
    );
    expect(out.warnings).toEqual([
      expect.objectContaining({
        subject: 'Service default/bad',
        event: 'InvalidElasticIPLocation',
        message: expect.stringMatching(
          /annotation metal.equinix.com\/eip-facility: expected a facility code/,
        ),
      }),
    ]);
    expect(out.metal.map((m) => m.target)).toEqual(['Elastic IP for Service default/good']);
  });
});
