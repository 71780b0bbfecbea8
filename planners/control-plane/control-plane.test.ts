import { produce, type Draft } from 'immer';
import { describe, expect, it } from 'vitest';
import { controlPlane, controlPlaneEip as eip, privateAddress } from '../../test/support/worlds.ts';
import type { Snapshot } from '../../model/snapshot.ts';
import { planControlPlane, probeTargets } from './control-plane.ts';

const nodeAddress = {
  'cp-1': privateAddress(1),
  'cp-2': privateAddress(2),
  'cp-3': privateAddress(3),
};

/** Three control-plane nodes, the EIP on cp-1, every probe answering 200. */
const healthy = (): Snapshot => controlPlane();

/** Sets what the prober saw: failures in a row per address (0 = answered 200). */
const probed =
  (failures: Partial<Record<string, number>>) =>
  (d: Draft<Snapshot>): void => {
    for (const p of d.probes) {
      const n = failures[p.address];
      if (n === undefined) continue;
      p.ok = n === 0;
      p.consecutiveFailures = n;
    }
  };

const moves = (snapshot: Snapshot): string[] =>
  planControlPlane(snapshot).metal.map((m) => `${m.request.method} ${m.target}`);

describe('planControlPlane', () => {
  it('does nothing without an EIP tag, and probes nothing', () => {
    const snapshot = produce(healthy(), (d) => {
      d.settings.eipTag = '';
    });
    expect(planControlPlane(snapshot)).toEqual({ objects: [], metal: [], warnings: [] });
    expect(probeTargets(snapshot)).toEqual([]);
  });

  it('probes the EIP (with the device holding it) and every control-plane node on the API server port', () => {
    const snapshot = healthy();
    const holder = snapshot.metal.reservations.find((r) => r.address === eip)?.assignments[0]
      ?.deviceId;
    expect(probeTargets(snapshot)).toEqual([
      { address: eip, port: 6443, holder },
      { address: nodeAddress['cp-1'], port: 6443 },
      { address: nodeAddress['cp-2'], port: 6443 },
      { address: nodeAddress['cp-3'], port: 6443 },
    ]);
    const on443 = produce(snapshot, (d) => {
      d.settings.apiServerPort = 443;
    });
    expect(probeTargets(on443).map((t) => t.port)).toEqual([443, 443, 443, 443]);
  });

  it('never moves a healthy EIP, even when its holder fails its own probe', () => {
    expect(moves(produce(healthy(), probed({ [nodeAddress['cp-1']]: 7 })))).toEqual([]);
  });

  it('moves after the threshold of failures in a row, not before, to the first healthy node in name order', () => {
    const base = healthy();
    expect(moves(produce(base, probed({ [eip]: 2, [nodeAddress['cp-1']]: 2 })))).toEqual([]);
    expect(
      moves(
        produce(base, probed({ [eip]: 3, [nodeAddress['cp-1']]: 3, [nodeAddress['cp-2']]: 1 })),
      ),
    ).toEqual([
      `DELETE assignment of control-plane Elastic IP ${eip} to Node cp-1`,
      `POST assignment of control-plane Elastic IP ${eip} to Node cp-3`,
    ]);
    const lenient = produce(base, (d) => {
      d.settings.eipHealthCheckFailures = 5;
      probed({ [eip]: 4 })(d);
    });
    expect(moves(lenient)).toEqual([]);
  });

  it('never moves to a node that is not Ready, even if its /healthz answers', () => {
    const snapshot = produce(healthy(), (d) => {
      probed({ [eip]: 3, [nodeAddress['cp-3']]: 1 })(d);
      const cp2 = d.kubernetes.nodes.find((n) => n.metadata?.name === 'cp-2');
      for (const c of cp2?.status?.conditions ?? []) if (c.type === 'Ready') c.status = 'False';
    });
    expect(moves(snapshot)).toEqual([]);
    expect(planControlPlane(snapshot).warnings[0]?.message).toMatch(
      /no other control-plane node is healthy; left where it is/,
    );
  });

  it('judges the EIP by its holder’s own probe in host-IP mode', () => {
    const snapshot = produce(healthy(), (d) => {
      d.settings.eipHealthCheckUseHostIP = true;
      probed({ [eip]: 0, [nodeAddress['cp-1']]: 3 })(d);
    });
    expect(moves(snapshot)).toEqual([
      `DELETE assignment of control-plane Elastic IP ${eip} to Node cp-1`,
      `POST assignment of control-plane Elastic IP ${eip} to Node cp-2`,
    ]);
  });

  it('forgets the failures seen on the previous holder once the EIP moved', () => {
    const snapshot = produce(healthy(), (d) => {
      probed({ [eip]: 3 })(d);
      const probe = d.probes.find((p) => p.address === eip);
      if (probe !== undefined) probe.holder = 'another-device';
    });
    expect(moves(snapshot)).toEqual([]);
  });

  it('reports a tagged reservation that is not created yet, and does nothing else', () => {
    const snapshot = produce(healthy(), (d) => {
      const r = d.metal.reservations.find((x) => x.address === eip);
      if (r !== undefined) r.state = 'pending';
    });
    const out = planControlPlane(snapshot);
    expect(out.objects).toEqual([]);
    expect(out.warnings.map((w) => w.event)).toEqual(['ControlPlaneElasticIPPending']);
  });

  it('mirrors a configured port while the target port stays the API server’s', () => {
    const snapshot = produce(healthy(), (d) => {
      d.settings.apiServerPort = 443;
    });
    const [service] = planControlPlane(snapshot).objects;
    expect((service?.desired as { spec?: { ports?: unknown[] } } | undefined)?.spec?.ports).toEqual(
      [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443, nodePort: 31443 }],
    );
  });
});
