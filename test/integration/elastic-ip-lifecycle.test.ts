import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/emulator.ts';
import { syntheticProject, syntheticWorld } from '../../emulator/synthetic.ts';
import type { Json } from '../../emulator/world.ts';
import { resourcePath, resources } from '../../providers/kubernetes/resources.ts';
import {
  admin,
  eventually,
  forceDelete,
  startDaemon,
  unique,
  type RunningDaemon,
} from '../support/integration.ts';
import { createLoadBalancerService } from '../support/kube-rest.ts';

// What the running daemon does with Elastic IPs over a Service's life, beyond the first address:
// the limit, the release when the Service stops being ours, a reservation Equinix approves late.

interface ServiceBody {
  metadata: { name: string; finalizers?: string[]; annotations?: Record<string, string> };
  spec: { type: string; loadBalancerIP?: string };
  status?: { loadBalancer?: { ingress?: { ip?: string }[] } };
}

const token = 'lifecycle-token';
let emulator: Emulator;
const daemons: RunningDaemon[] = [];
const services: string[] = [];

/** The daemon (kube-vip) on the emulator of this test. */
async function startCcm(args: string[] = []): Promise<RunningDaemon> {
  const daemon = await startDaemon({
    baseURL: emulator.url,
    config: {
      apiKey: token,
      projectID: syntheticProject,
      metro: 'da',
      loadbalancer: 'kube-vip://',
    },
    args,
  });
  daemons.push(daemon);
  return daemon;
}

async function run(options: { quota?: number; args?: string[] }): Promise<RunningDaemon> {
  emulator = await startEmulator({
    world: syntheticWorld({ devices: 1, reservations: 0 }),
    token,
    ...(options.quota === undefined ? {} : { quota: options.quota }),
  });
  return startCcm(options.args);
}

const path = (name: string) => resourcePath(resources.Service, { namespace: 'default', name });
const service = (name: string) => admin().request<ServiceBody>({ method: 'GET', path: path(name) });
const ipOf = async (name: string) => (await service(name)).status?.loadBalancer?.ingress?.[0]?.ip;
const create = async (name: string): Promise<void> => {
  services.push(name);
  await createLoadBalancerService(admin(), name);
};
const patch = (name: string, body: unknown) =>
  admin().request({
    method: 'PATCH',
    path: path(name),
    body,
    contentType: 'application/merge-patch+json',
  });
const toClusterIp = {
  spec: { type: 'ClusterIP', allocateLoadBalancerNodePorts: null, externalTrafficPolicy: null },
};
/** The project's Elastic IPs (its devices' own management blocks left out). */
const reservations = (): Json[] =>
  [...emulator.world.reservations.values()].filter((r) => r['management'] !== true);
const addresses = () => reservations().map((r) => r['address']);
async function warnings(name: string, reason: string): Promise<number> {
  const list = await admin().request<{
    items: { reason?: string; regarding?: { name?: string } }[];
  }>({ method: 'GET', path: '/apis/events.k8s.io/v1/namespaces/default/events' });
  return list.items.filter((e) => e.reason === reason && e.regarding?.name === name).length;
}

/** The Service carries none of the CCM's marks (finalizer, address in spec, status, annotation). */
async function unmarked(name: string): Promise<boolean> {
  const s = await service(name);
  return (
    !(s.metadata.finalizers ?? []).includes('service.kubernetes.io/load-balancer-cleanup') &&
    s.spec.loadBalancerIP === undefined &&
    s.metadata.annotations?.['kube-vip.io/loadbalancerIPs'] === undefined &&
    (s.status?.loadBalancer?.ingress ?? []).length === 0
  );
}

afterEach(async () => {
  for (const d of daemons.splice(0)) if (d.process.exitCode === null) await d.kill();
  await emulator.close();
  for (const name of services.splice(0)) await forceDelete(path(name));
});

describe('Elastic IPs over a Service’s life, by the running daemon', () => {
  it('gives no more than --eip-limit, warns the Service left out, and serves it once a slot frees', async () => {
    await run({ args: ['--eip-limit=2'] });
    const [a, b, c] = [unique('limit-a'), unique('limit-b'), unique('limit-c')];
    for (const name of [a, b, c]) await create(name);
    await eventually(async () => (await ipOf(a)) && (await ipOf(b)), 20_000, 'a and b served');
    await eventually(
      async () => (await warnings(c, 'ElasticIPLimitReached')) > 0,
      15_000,
      'c warned',
    );
    expect(await ipOf(c)).toBeUndefined();
    expect(reservations()).toHaveLength(2);
    await admin().request({ method: 'DELETE', path: path(a) });
    const ip = await eventually(() => ipOf(c), 20_000, 'c served once a was deleted');
    expect(addresses()).toContain(ip);
    expect(reservations()).toHaveLength(2);
  });

  it('releases the Elastic IP of a Service retyped to ClusterIP, and clears every mark', async () => {
    await run({});
    const name = unique('retyped');
    await create(name);
    const ip = await eventually(() => ipOf(name), 20_000, 'an Elastic IP');
    await patch(name, toClusterIp); // spec.loadBalancerIP stays: the API server keeps it
    await eventually(() => unmarked(name), 20_000, 'the marks cleared');
    expect(addresses()).not.toContain(ip);
    expect(emulator.counters()['deleteIPAddress']).toBe(1);
  });

  it('releases the Elastic IP of a Service re-classed to another controller while the CCM was down', async () => {
    const first = await run({});
    const name = unique('reclassed');
    await create(name);
    const ip = await eventually(() => ipOf(name), 20_000, 'an Elastic IP');
    await first.kill();
    // A class can only be set on the way to LoadBalancer: the CCM sees only the re-classed Service.
    await patch(name, toClusterIp);
    await patch(name, { spec: { type: 'LoadBalancer', loadBalancerClass: 'example.com/other' } });
    await startCcm();
    await eventually(() => unmarked(name), 20_000, 'the marks cleared');
    expect(addresses()).not.toContain(ip);
  });

  it('lets a Service deleted while its request is under way go at once, then collects the reservation', async () => {
    await run({});
    const name = unique('early');
    emulator.inject('requestIPReservation', { kind: 'hold' });
    await create(name);
    await eventually(() => emulator.held() === 1, 20_000, 'the reservation request held');
    // The finalizer comes with the address: nothing holds the Service before Metal answers.
    expect((await service(name)).metadata.finalizers ?? []).toEqual([]);
    await admin().request({ method: 'DELETE', path: path(name) });
    await eventually(
      () =>
        service(name).then(
          () => false,
          () => true,
        ),
      5000,
      'the Service gone',
    );
    emulator.releaseHeld(); // the reservation is made, for a Service that is gone
    await eventually(
      () => emulator.counters()['deleteIPAddress'] === 1 && reservations().length === 0,
      30_000,
      'the reservation collected',
    );
    expect(emulator.counters()['requestIPReservation']).toBe(1);
  });

  it('waits for a reservation Equinix must approve, asks only once, and serves it when approved', async () => {
    await run({ quota: 0 }); // every request goes pending
    const name = unique('pending');
    await create(name);
    await eventually(
      async () => (await warnings(name, 'ElasticIPPending')) > 0,
      20_000,
      'the wait told',
    );
    await new Promise((resolve) => setTimeout(resolve, 5000)); // two resyncs at least
    expect(emulator.counters()['requestIPReservation']).toBe(1);
    expect(await ipOf(name)).toBeUndefined();
    const [pending] = reservations();
    expect(pending?.['state']).toBe('pending');
    expect(emulator.world.approve(String(pending?.['id']))).toBe(true);
    const ip = await eventually(() => ipOf(name), 20_000, 'the approved address on the Service');
    expect(ip).toBe(emulator.world.reservations.get(String(pending?.['id']))?.['address']);
    expect(emulator.counters()['requestIPReservation']).toBe(1);
  });
});
