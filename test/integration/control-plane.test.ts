import type { V1EndpointSlice, V1Service } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mirrorService } from '../../model/marks/control-plane.ts';
import { resourcePath, resources } from '../../providers/kubernetes/resources.ts';
import { eipAddress, type ControlPlaneWorld } from '../support/control-plane-world.ts';
import {
  controlPlaneCcm,
  probeFailures as failures,
  probeIntervalMs as intervalMs,
  type ControlPlaneCcm,
} from '../support/control-plane-ccm.ts';
import { kubernetesSlice } from '../support/builders.ts';
import { admin, eventually, kube } from '../support/integration.ts';

let ccm: ControlPlaneCcm;
let world: ControlPlaneWorld;
/** Mirror checks made while the tests ran, and the ones that did not match. */
const mirrorChecks = { made: 0, mismatches: [] as string[] };
let watching: NodeJS.Timeout | undefined;

const nameOf = (deviceId: string | undefined): string | undefined =>
  world.standIns.find((s) => s.deviceId === deviceId)?.name;

async function mirror(): Promise<{
  service?: V1Service;
  slice?: V1EndpointSlice;
  kubernetes?: V1EndpointSlice;
}> {
  const get = <T>(path: string): Promise<T | undefined> =>
    admin()
      .request<T>({ method: 'GET', path })
      .catch(() => undefined);
  const [service, slice, kubernetes] = await Promise.all([
    get<V1Service>(resourcePath(resources.Service, mirrorService)),
    get<V1EndpointSlice>(resourcePath(resources.EndpointSlice, mirrorService)),
    get<V1EndpointSlice>(
      resourcePath(resources.EndpointSlice, { namespace: 'default', name: 'kubernetes' }),
    ),
  ]);
  return {
    ...(service === undefined ? {} : { service }),
    ...(slice === undefined ? {} : { slice }),
    ...(kubernetes === undefined ? {} : { kubernetes }),
  };
}

/** The mirror as it must be: on the EIP, MetalLB off, the endpoints of default/kubernetes. */
async function mirrorMismatch(): Promise<string | undefined> {
  const { service, slice, kubernetes } = await mirror();
  // The API server's own endpoint reconciler may replace it while the test rewrites it (a 404 once
  // in a CI run): a look at that moment is a mismatch of the slice, not an error of the test.
  if (kubernetes === undefined) return 'EndpointSlice default/kubernetes not there';
  const addresses = (s: V1EndpointSlice | undefined) =>
    JSON.stringify((s?.endpoints ?? []).map((e) => e.addresses));
  if (service?.spec?.loadBalancerIP !== eipAddress) return 'Service spec.loadBalancerIP';
  if (service.status?.loadBalancer?.ingress?.[0]?.ip !== eipAddress) return 'Service ingress';
  if (
    service.metadata?.annotations?.['metallb.universe.tf/address-pool'] !==
    'disabled-metallb-do-not-use-any-address-pool'
  )
    return 'Service MetalLB annotation';
  const [port] = service.spec.ports ?? [];
  if (port?.port !== world.port || port.targetPort !== world.port) return 'Service ports';
  if (addresses(slice) !== addresses(kubernetes))
    return `EndpointSlice ${addresses(slice)} vs ${addresses(kubernetes)}`;
  if (slice?.ports?.[0]?.port !== world.port) return 'EndpointSlice port';
  return undefined;
}

beforeAll(async () => {
  ccm = await controlPlaneCcm(kube());
  world = ccm.world;
});

afterAll(async () => {
  clearInterval(watching);
  await ccm.stop();
});

describe('control-plane Elastic IP, with real probes on loopback', () => {
  it('puts the unassigned EIP on the first healthy control-plane node and mirrors default/kubernetes', async () => {
    await eventually(() => world.holder() !== undefined, 15_000, 'the EIP assigned');
    expect(nameOf(world.holder())).toBe('cp-1');
    await eventually(async () => (await world.probeEip()) === 200, 5000, 'EIP answers');
    await eventually(async () => (await mirrorMismatch()) === undefined, 15_000, 'the mirror');
    // From here on the mirror must match at every look, while nodes fail and the EIP moves.
    watching = setInterval(() => {
      void mirrorMismatch().then((m) => {
        mirrorChecks.made++;
        if (m !== undefined) mirrorChecks.mismatches.push(m);
      });
    }, 200);
  });

  it('moves the EIP to a healthy node only after the threshold of failed probes in a row, and it answers again', async () => {
    const first = world.holder();
    const cp1 = world.standIns.find((s) => s.deviceId === first);
    if (cp1 === undefined) throw new Error('no holder');
    const failedBefore = cp1.failed();
    cp1.healthy = false;
    // Polled often, so the failed probes are counted at the moment of the move, not later.
    await eventually(
      () => world.holder() !== first && world.holder() !== undefined,
      30_000,
      'the EIP moved',
      10,
    );
    const failedProbes = cp1.failed() - failedBefore;
    expect(nameOf(world.holder())).toBe('cp-2');
    // The cause: the EIP's own probe (routed to cp-1) failed `failures` times before it moved.
    expect(failedProbes).toBeGreaterThanOrEqual(failures);
    await eventually(async () => (await world.probeEip()) === 200, 5000, 'EIP answers');
    const events = await eventually(
      async () => {
        const list = await admin().request<{ items: { reason?: string; note?: string }[] }>({
          method: 'GET',
          path: '/apis/events.k8s.io/v1/events',
        });
        const moved = list.items.filter((e) => e.reason === 'ControlPlaneElasticIPAssigned');
        return moved.length >= 2 ? moved : undefined;
      },
      5000,
      'an Event for each placement',
    );
    // "the Elastic IP is failing (3 failed probes in a row: status 500); Node cp-2 is Ready …"
    const because = events
      .map((e) => /failing \((\d+) failed probes in a row[^)]*\).*cp-2/.exec(e.note ?? '')?.[1])
      .find((n) => n !== undefined);
    expect(Number(because)).toBeGreaterThanOrEqual(failures);
  });

  it('moves nothing when one probe is lost', async () => {
    const holder = world.holder();
    const standIn = world.standIns.find((s) => s.deviceId === holder);
    if (standIn === undefined) throw new Error('no holder');
    const failedBefore = standIn.failed();
    standIn.failNext(2); // the EIP's probe and the node's own, once
    await eventually(() => standIn.failed() - failedBefore === 2, 5000, 'the probes lost', 10);
    // As many intervals again as a move would need: the count starts afresh after a success.
    await new Promise((resolve) => setTimeout(resolve, (failures + 1) * intervalMs));
    expect(world.holder()).toBe(holder);
    expect(await world.probeEip()).toBe(200);
  });

  it('keeps the mirror EndpointSlice identical as control-plane nodes leave and come back', async () => {
    const path = resourcePath(resources.EndpointSlice, {
      namespace: 'default',
      name: 'kubernetes',
    });
    const put = async (members: typeof world.standIns): Promise<void> => {
      await admin().request({
        method: 'PUT',
        path,
        body: kubernetesSlice(
          members.map((m) => m.address),
          world.port,
        ), // unconditional, as the reconciler writes
      });
      await eventually(
        async () =>
          JSON.stringify((await mirror()).slice?.endpoints?.map((e) => e.addresses[0])) ===
          JSON.stringify(members.map((m) => m.address)),
        10_000,
        'the mirror EndpointSlice',
      );
    };
    await put(world.standIns.slice(0, 2));
    await put(world.standIns);
    clearInterval(watching);
    expect(mirrorChecks.made).toBeGreaterThan(10);
    // While default/kubernetes itself changes, one look may fall between its write and the mirror's.
    expect(mirrorChecks.mismatches.filter((m) => !m.startsWith('EndpointSlice'))).toEqual([]);
    expect(mirrorChecks.mismatches.length).toBeLessThanOrEqual(4);
  });
});
