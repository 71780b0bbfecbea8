import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import { device, node, settings, snapshot } from '../../test/support/builders.ts';
import type { BgpNeighbor, Device } from '../../model/metal.ts';
import { Sensitive, isSensitive } from '../../model/sensitive.ts';
import type { Snapshot } from '../../model/snapshot.ts';
import { planBgp } from './bgp.ts';

const neighbor: BgpNeighbor = {
  addressFamily: 4,
  customerAs: 65000,
  customerIp: '10.0.0.1',
  peerAs: 65530,
  peerIps: ['169.254.255.2', '169.254.255.1'],
  multihop: true,
  md5Password: new Sensitive('Abc123Def456'),
};

function world(parts: {
  devices: Device[];
  sessions?: boolean;
  enabled?: boolean;
  selector?: string;
  labels?: Record<string, string>;
}): Snapshot {
  const n = node('node-1');
  n.metadata!.labels = { ...n.metadata!.labels, ...parts.labels };
  const base = snapshot({
    nodes: [n],
    devices: parts.devices,
    settings: settings({
      loadBalancer: { kind: 'kube-vip' },
      bgpPass: new Sensitive('Abc123Def456'),
      bgpNodeSelector:
        parts.selector === undefined
          ? { source: '', requirements: [] }
          : {
              source: parts.selector,
              requirements: [{ key: 'bgp', operator: 'in', values: ['on'] }],
            },
    }),
  });
  return {
    ...base,
    metal: {
      ...base.metal,
      bgpConfig: parts.enabled === false ? {} : { id: 'cfg', status: 'enabled', asn: 65000 },
      bgpSessions:
        parts.sessions === false
          ? []
          : parts.devices.map((d) => ({ id: `s-${d.id}`, deviceId: d.id, addressFamily: 'ipv4' })),
    },
  };
}

describe('planBgp', () => {
  it('does nothing without a load balancer', () => {
    const snap = world({ devices: [device(1)] });
    expect(
      planBgp({ ...snap, settings: { ...snap.settings, loadBalancer: { kind: 'none' } } }),
    ).toEqual({ objects: [], metal: [], warnings: [] });
  });

  it('enables project BGP with the configured ASN and password (kept sensitive), then the sessions', () => {
    const out = planBgp(world({ devices: [device(1)], enabled: false, sessions: false }));
    const [project, session] = out.metal;
    expect(project?.request).toMatchObject({
      method: 'POST',
      body: { deployment_type: 'local', asn: 65000, use_case: 'kubernetes-load-balancer' },
    });
    expect(isSensitive((project?.request.body as { md5: unknown }).md5)).toBe(true);
    expect(session).toMatchObject({
      request: { path: `/devices/${device(1).id}/bgp/sessions`, body: { address_family: 'ipv4' } },
      after: ['project-bgp'],
    });
  });

  it('asks for no session a device has already', () => {
    expect(planBgp(world({ devices: [device(1)] })).metal).toEqual([]);
  });

  it('writes the BGP facts in both forms, peers sorted, password base64 and sensitive', () => {
    const out = planBgp(world({ devices: [device(1, { bgpNeighbors: [neighbor] })] }));
    const [intent] = out.objects;
    const annotations = intent?.desired?.metadata?.annotations;
    expect(annotations).toMatchObject({
      'metal.equinix.com/node-asn': '65000',
      'metal.equinix.com/peer-asn': '65530',
      'metal.equinix.com/peer-ip': '169.254.255.1,169.254.255.2',
      'metal.equinix.com/src-ip': '10.0.0.1',
      'metal.equinix.com/bgp-pass': Buffer.from('Abc123Def456').toString('base64'),
      'metal.equinix.com/network-4-private': '10.0.0.0/25',
      'metal.equinix.com/bgp-peers-0-peer-ip': '169.254.255.1',
      'metal.equinix.com/bgp-peers-1-peer-ip': '169.254.255.2',
      'metal.equinix.com/bgp-peers-1-peer-multi-hop': 'true',
    });
    expect(intent?.sensitivePaths).toEqual(
      expect.arrayContaining([
        '/metadata/annotations/metal.equinix.com~1bgp-pass',
        '/metadata/annotations/metal.equinix.com~1bgp-peers-0-bgp-pass',
      ]),
    );
  });

  it('waits while the neighbours are unknown, taking nothing away', () => {
    expect(planBgp(world({ devices: [device(1)] })).objects).toEqual([]);
  });

  it('takes its annotations back from a node outside the selector, and leaves others', () => {
    const first = planBgp(world({ devices: [device(1, { bgpNeighbors: [neighbor] })] })).objects[0]!
      .desired!;
    const snap = world({ devices: [device(1, { bgpNeighbors: [neighbor] })], selector: 'bgp=on' });
    const annotated = produce(first, (d) => {
      d.metadata!.annotations = { ...d.metadata!.annotations, 'team/owner': 'me' };
    });
    const out = planBgp({ ...snap, kubernetes: { ...snap.kubernetes, nodes: [annotated] } });
    expect(out.objects[0]?.desired?.metadata?.annotations).toEqual({ 'team/owner': 'me' });
    expect(out.metal).toEqual([]);
  });

  it('reads names in upstream’s templated form as upstream does: one annotation per peer, {{n}} its index', () => {
    const snap = world({ devices: [device(1, { bgpNeighbors: [neighbor] })] });
    const templated = {
      ...snap,
      settings: {
        ...snap.settings,
        annotations: {
          ...snap.settings.annotations,
          localASN: 'example.com/peer-{{n}}-local-asn',
          peerASNs: 'example.com/peer-{{n}}-asn',
          peerIPs: 'example.com/peer-{{n}}-ip',
          srcIP: 'example.com/peer-{{n}}-src',
          bgpPass: 'example.com/peer-{{n}}-pass',
        },
      },
    };
    const [intent] = planBgp(templated).objects;
    const annotations = intent?.desired?.metadata?.annotations ?? {};
    expect(annotations).toMatchObject({
      'example.com/peer-0-local-asn': '65000',
      'example.com/peer-0-asn': '65530',
      'example.com/peer-0-ip': '169.254.255.1',
      'example.com/peer-1-ip': '169.254.255.2',
      'example.com/peer-1-src': '10.0.0.1',
      'example.com/peer-1-pass': Buffer.from('Abc123Def456').toString('base64'),
    });
    expect(Object.keys(annotations).filter((k) => k.includes('{{n}}'))).toEqual([]);
    expect(intent?.sensitivePaths).toEqual(
      expect.arrayContaining(['/metadata/annotations/example.com~1peer-0-pass']),
    );
    // A peer that went away: its templated annotations are taken back.
    const stale = produce(intent!.desired!, (d) => {
      d.metadata!.annotations = { ...d.metadata!.annotations, 'example.com/peer-7-ip': '1.2.3.4' };
    });
    const again = planBgp({
      ...templated,
      kubernetes: { ...templated.kubernetes, nodes: [stale] },
    });
    expect(again.objects[0]?.desired?.metadata?.annotations).not.toHaveProperty([
      'example.com/peer-7-ip',
    ]);
  });
});
