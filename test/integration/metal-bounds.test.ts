import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resourcePath, resources } from '../../providers/kubernetes/resources.ts';
import { startEmulator, type Emulator } from '../../emulator/emulator.ts';
import { syntheticProject, syntheticWorld, uuidOf } from '../../emulator/synthetic.ts';
import type { Json } from '../../emulator/world.ts';
import {
  admin,
  deleteNodes,
  eventually,
  forceDelete,
  startDaemon,
  type RunningDaemon,
} from '../support/integration.ts';
import { createLoadBalancerService, createNode } from '../support/kube-rest.ts';

// A broken Metal API (answers that trickle, lists that never end) must not hang the daemon: each
// loop fails within its deadlines, says what failed, plans nothing, and the next loop recovers.

const token = 'bounds-test-token';
const nodes = ['bounds-0', 'bounds-1'];
let emulator: Emulator;
let daemon: RunningDaemon;
/** The devices' own blocks as the project listed them before the CCM ran. */
let managementBefore: Json[];

const management = () =>
  [...emulator.world.reservations.values()].filter((r) => r['management'] === true);
const ipOf = async (name: string) =>
  (
    await admin().request<{ status?: { loadBalancer?: { ingress?: { ip?: string }[] } } }>({
      method: 'GET',
      path: resourcePath(resources.Service, { namespace: 'default', name }),
    })
  ).status?.loadBalancer?.ingress?.[0]?.ip;
/** Loops that ended so, whatever triggered them. */
async function loops(result: string): Promise<number> {
  const text = await (await fetch(`${daemon.healthUrl}/metrics`)).text();
  return text
    .split('\n')
    .filter(
      (l) => l.startsWith('metal_ccm_reconcile_loops_total{') && l.includes(`result="${result}"`),
    )
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}

beforeAll(async () => {
  const world = syntheticWorld({ devices: 2, reservations: 0, bgp: true });
  world.devices.forEach((d, i) => Object.assign(d as Json, { hostname: nodes[i] }));
  emulator = await startEmulator({ world, token });
  managementBefore = structuredClone(management());
  for (const [i, name] of nodes.entries())
    await createNode(admin(), name, { providerID: `equinixmetal://${uuidOf(1, i)}` });
  daemon = await startDaemon({
    baseURL: emulator.url,
    config: {
      apiKey: token,
      projectID: syntheticProject,
      metro: 'da',
      loadbalancer: 'kube-vip://',
    },
    args: ['--metal-request-timeout=1s', '--metal-observation-timeout=3s'],
  });
});

afterAll(async () => {
  if (daemon.process.exitCode === null) await daemon.kill();
  await emulator.close();
  await deleteNodes(nodes);
  for (const name of ['web', 'theirs', 'late'])
    await forceDelete(resourcePath(resources.Service, { namespace: 'default', name }));
});

describe('Metal I/O bounded end to end, on a real API server and the Metal emulator', () => {
  it('pages past the devices’ management blocks and never takes, tags or releases them', async () => {
    // Someone names a device's own public address as a Service's address.
    const devicePublic = String(
      ((managementBefore[0]?.['assignments'] as Json[])[0] ?? {})['address'],
    );
    await createLoadBalancerService(admin(), 'web');
    await createLoadBalancerService(admin(), 'theirs', { loadBalancerIP: devicePublic });
    await eventually(() => ipOf('web'), 30_000, 'web to get an Elastic IP');
    await eventually(async () => (await loops('converged')) > 0, 15_000, 'a converged loop');
    expect(await ipOf('theirs')).toBeUndefined();
    expect(management()).toEqual(managementBefore);
  });

  it('lives through answers that trickle: each loop fails in time, naming the call', async () => {
    const failedBefore = await loops('observe-failed');
    // A byte every 500 ms: never idle as long as the 1 s request deadline, never complete either.
    emulator.inject('findProjectDevices', { kind: 'trickle', everyMs: 500, probability: 1 });
    await eventually(
      async () => (await loops('observe-failed')) >= failedBefore + 2,
      30_000,
      'two loops that failed to observe',
    );
    expect(daemon.output()).toMatch(
      /findProjectDevices \(GET [^)]*\) failed: (ETIMEDOUT|EDEADLINE)/,
    );
    expect((await fetch(`${daemon.healthUrl}/healthz`)).status).toBe(200);
    emulator.clearFaults();
    await createLoadBalancerService(admin(), 'late');
    await eventually(() => ipOf('late'), 30_000, 'a Service created after the fault to get its IP');
  });

  it('lives through a list without end: nothing is planned from it, then the next loop recovers', async () => {
    const failedBefore = await loops('observe-failed');
    emulator.inject('findIPReservations', { kind: 'endless-pages', probability: 1 });
    // The resyncs list, and fail; after a failed list every loop lists (the state kept is not
    // planned on), so the Service's deletion waits for a whole list too.
    await eventually(
      async () => (await loops('observe-failed')) >= failedBefore + 1,
      30_000,
      'a resync that failed to observe',
    );
    await admin().request({
      method: 'DELETE',
      path: resourcePath(resources.Service, { namespace: 'default', name: 'web' }),
    });
    await eventually(
      async () => (await loops('observe-failed')) >= failedBefore + 2,
      30_000,
      'two loops that failed to observe',
    );
    expect(daemon.output()).toContain(
      'findIPReservations answered with an unexpected body: paging stopped',
    );
    // The Service is gone from Kubernetes, but its reservation is not released from half a world.
    const tagged = () =>
      [...emulator.world.reservations.values()].filter((r) => (r['tags'] as string[]).length > 0);
    expect(tagged()).toHaveLength(2);
    emulator.clearFaults();
    await eventually(() => tagged().length === 1, 30_000, "web's reservation to be released");
    expect(management()).toEqual(managementBefore);
  });
});
