import { afterAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/emulator.ts';
import { syntheticProject, syntheticWorld } from '../../emulator/synthetic.ts';
import { resourcePath, resources } from '../../providers/kubernetes/resources.ts';
import { spawnDaemon, type RunningDaemon } from '../support/daemon-process.ts';
import { admin, eventually, forceDelete, kube, metric } from '../support/integration.ts';
import {
  createNode as createKubeletNode,
  createLoadBalancerService,
} from '../support/kube-rest.ts';
import { KubeProxy } from '../support/kube-proxy.ts';

const token = 'leader-token';
const lease = { renewDeadlineMs: 2000, retryPeriodMs: 500 };
const leases = resourcePath(resources.Lease, { namespace: 'kube-system' });
const leasePath = resourcePath(resources.Lease, {
  namespace: 'kube-system',
  name: 'cloud-controller-manager',
});
let proxy: KubeProxy;
let emulator: Emulator;
let daemon: RunningDaemon;

const nodeNames = ['node-0', 'node-1'];
const createNode = (name: string): Promise<void> => createKubeletNode(admin(), name);
const providerIdOf = async (name: string) =>
  (
    await admin().request<{ spec: { providerID?: string } }>({
      method: 'GET',
      path: resourcePath(resources.Node, { name }),
    })
  ).spec.providerID;
const metalWrites = () =>
  Object.entries(emulator.counters())
    .filter(([op]) => /^(request|create|delete|update)/.test(op))
    .reduce((n, [, count]) => n + count, 0);

afterAll(async () => {
  await daemon.kill();
  await emulator.close();
  await proxy.close();
  for (const name of nodeNames)
    await admin()
      .request({ method: 'DELETE', path: resourcePath(resources.Node, { name }) })
      .catch(() => undefined);
  await forceDelete(resourcePath(resources.Service, { namespace: 'default', name: 'late' }));
  await admin()
    .request({ method: 'DELETE', path: leasePath })
    .catch(() => undefined);
});

describe('a leader that cannot renew its Lease', () => {
  it('steps down after the renew deadline and writes nothing more, to Kubernetes or Metal', async () => {
    proxy = await KubeProxy.start(kube());
    emulator = await startEmulator({
      world: syntheticWorld({ devices: 2, reservations: 0 }),
      token,
    });
    daemon = await spawnDaemon({
      kubeconfig: await proxy.ccmKubeconfig(),
      baseURL: emulator.url,
      config: {
        apiKey: token,
        projectID: syntheticProject,
        metro: 'da',
        loadbalancer: 'kube-vip://',
      },
      args: [
        '--leader-elect=true',
        '--leader-elect-lease-duration=4s',
        `--leader-elect-renew-deadline=${String(lease.renewDeadlineMs)}ms`,
        `--leader-elect-retry-period=${String(lease.retryPeriodMs)}ms`,
      ],
    });
    const leading = () => metric(daemon.healthUrl, 'metal_ccm_leader_election_master_status');
    await eventually(async () => (await leading()) === 1, 15_000, 'the daemon to lead');
    await createNode('node-0');
    await eventually(() => providerIdOf('node-0'), 15_000, 'node-0 initialised by the leader');

    proxy.failWhen((method, path) => method === 'PUT' && path === leasePath);
    await eventually(async () => (await leading()) === 0, 15_000, 'the leader to step down');
    const writesAtStepDown = metalWrites();
    // Work that only a leader would do: a Node to initialise, a Service to give an address.
    await createNode('node-1');
    await createLoadBalancerService(admin(), 'late');
    await new Promise((resolve) => setTimeout(resolve, 3 * 2000)); // three resyncs at least

    expect(await providerIdOf('node-1')).toBeUndefined();
    expect(metalWrites()).toBe(writesAtStepDown);
    expect(emulator.counters()['requestIPReservation'] ?? 0).toBe(0);
    // Order: no write reached the API server later than the renew deadline after the Lease was
    // last written (taken by a create, or renewed), plus one retry period to notice and one
    // request in flight.
    const isLease = (path: string) => path.startsWith(leases);
    const renewed = proxy.log.filter(
      (r) => isLease(r.path) && r.method !== 'GET' && (r.status ?? 500) < 300,
    );
    expect(renewed.length).toBeGreaterThan(0);
    const lastRenewal = Math.max(...renewed.map((r) => r.at));
    const late = proxy.log.filter(
      (r) =>
        r.method !== 'GET' &&
        !isLease(r.path) &&
        r.at > lastRenewal + lease.renewDeadlineMs + lease.retryPeriodMs + 500,
    );
    expect(late.map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });
});
