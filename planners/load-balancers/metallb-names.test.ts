import { produce, type Draft } from 'immer';
import { describe, expect, it } from 'vitest';
import type { Desired } from '../../model/desired.ts';
import { nameCandidates } from '../../model/marks/metallb.ts';
import type { Snapshot } from '../../model/snapshot.ts';
import { metallbConverged } from '../../test/support/worlds.ts';
import { factsOf } from '../facts/facts.ts';
import { integrationFor } from './index.ts';

const plan = (snapshot: Snapshot): Desired =>
  integrationFor(snapshot.settings.loadBalancer).plan(snapshot, factsOf(snapshot));

/** A cluster with BGP and two Services, and MetalLB's CRs as the CCM left them after one loop. */
const converged = (): Snapshot => metallbConverged('crds', plan);

type Kind = 'bgpPeers' | 'bgpAdvertisements' | 'ipAddressPools' | 'passwordSecrets';

/** The user's object in place of the CCM's: the same name, without the CCM's label. */
const theirs =
  (kind: Kind, name: (n: string) => boolean) =>
  (d: Draft<Snapshot>): void => {
    const found = d.kubernetes.metallb?.[kind]?.find((o) => name(o.metadata?.name ?? ''));
    if (found === undefined) throw new Error(`no ${kind} to take over`);
    found.metadata!.labels = { team: 'network' };
  };

const created = (out: Desired): [string | undefined, string | undefined][] =>
  out.objects
    .flatMap((o) => (o.observed === undefined ? [o.desired] : []))
    .map((o) => [o.kind, o.metadata?.name]);
const touchedNames = (out: Desired): (string | undefined)[] =>
  out.objects.map((o) => (o.observed ?? o.desired).metadata?.name);
const services = [
  { apiVersion: 'v1', kind: 'Service', namespace: 'default', name: 'api' },
  { apiVersion: 'v1', kind: 'Service', namespace: 'default', name: 'web' },
];

describe('MetalLB names that cannot collide (CRD mode)', () => {
  it('gives its BGPAdvertisement a name of its own when the user has one called metal-ccm', () => {
    const snapshot = produce(
      converged(),
      theirs('bgpAdvertisements', (n) => n === 'metal-ccm'),
    );
    const out = plan(snapshot);
    expect(created(out)).toEqual([['BGPAdvertisement', 'metal-ccm-b11b945c']]);
    expect(touchedNames(out)).not.toContain('metal-ccm'); // theirs: never updated or deleted
    expect(out.warnings).toEqual([
      {
        area: 'load-balancer',
        subject: 'BGPAdvertisement metallb-system/metal-ccm',
        message:
          "exists without the label app.kubernetes.io/managed-by=metal-ccm, so it is not the CCM's: left alone and never referred to; the CCM's BGPAdvertisement is metal-ccm-b11b945c instead",
        regarding: expect.objectContaining({ kind: 'BGPAdvertisement', name: 'metal-ccm' }),
        alsoRegarding: expect.arrayContaining(services),
        event: 'MetalLBNameTaken',
      },
    ]);
  });

  it('puts the password in a Secret of its own and no peer refers to the user’s', () => {
    const snapshot = produce(
      converged(),
      theirs('passwordSecrets', (n) => n === 'metal-ccm-bgp-password'),
    );
    const out = plan(snapshot);
    expect(created(out)).toEqual([['Secret', 'metal-ccm-bgp-password-8f5c1031']]);
    const peers = out.objects.filter((o) => o.desired?.kind === 'BGPPeer');
    expect(peers.length).toBeGreaterThan(0);
    for (const p of peers)
      expect((p.desired as { spec: { passwordSecret: unknown } }).spec.passwordSecret).toEqual({
        name: 'metal-ccm-bgp-password-8f5c1031',
        namespace: 'metallb-system',
      });
    expect(out.warnings.map((w) => [w.subject, w.event])).toEqual([
      ['Secret metallb-system/metal-ccm-bgp-password', 'MetalLBNameTaken'],
    ]);
  });

  it('gives a peer and a pool whose names are taken names of their own, and keeps them', () => {
    const snapshot = produce(converged(), (d) => {
      theirs('bgpPeers', (n) => n.startsWith('cp-1-0-'))(d);
      theirs('ipAddressPools', (n) => n.startsWith('default-web-'))(d);
    });
    const out = plan(snapshot);
    const made = created(out);
    expect(made.map(([kind]) => kind)).toEqual(['BGPPeer', 'IPAddressPool']);
    expect(made[0]?.[1]).toMatch(/^cp-1-0-[0-9a-f]{8}$/);
    expect(made[1]?.[1]).toMatch(/^default-web-[0-9a-f]{8}$/);
    const pool = out.warnings.find((w) => w.subject.startsWith('IPAddressPool'));
    expect(pool?.alsoRegarding).toEqual([services[1]]); // only the Service of that pool

    // Once they exist, the next loop changes nothing and still says why.
    const next = produce(snapshot, (d) => {
      const m = d.kubernetes.metallb!;
      for (const o of out.objects.map((x) => x.desired!))
        (o.kind === 'BGPPeer' ? m.bgpPeers : m.ipAddressPools)!.push(o);
    });
    const again = plan(next);
    expect(again.objects).toEqual([]);
    expect(again.warnings).toHaveLength(2);
  });

  it('has no advertisement, and says so, when every name it may use is taken', () => {
    const snapshot = produce(converged(), (d) => {
      theirs('bgpAdvertisements', (n) => n === 'metal-ccm')(d);
      const list = d.kubernetes.metallb!.bgpAdvertisements!;
      const [user] = list;
      for (const name of nameCandidates('metal-ccm').slice(1))
        list.push({ ...user!, metadata: { ...user!.metadata, name } });
    });
    const out = plan(snapshot);
    expect(created(out)).toEqual([]);
    expect(out.warnings).toHaveLength(3);
    expect(out.warnings.at(-1)?.message).toMatch(
      /no other name is free, so the CCM has no BGPAdvertisement here: MetalLB advertises none/,
    );
  });
});
