import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metalWorldSchema } from '../../providers/fixture/metal.ts';
import { resourcePath, resources } from '../../providers/kubernetes/resources.ts';
import { startEmulator, type Emulator } from '../../emulator/emulator.ts';
import { daemonUntilExit } from '../support/daemon-process.ts';
import {
  admin,
  eventually,
  kube,
  metric,
  startDaemon,
  type RunningDaemon,
} from '../support/integration.ts';
import { createNode as createKubeletNode, uninitializedTaint } from '../support/kube-rest.ts';

interface NodeBody {
  metadata: { name: string; labels?: Record<string, string> };
  spec?: { providerID?: string; taints?: { key: string }[] };
  status?: { addresses?: { type: string; address: string }[] };
}

const project = '0f6b7b9e-2c1a-4e6f-9a57-3f0c1c0d6a11';
const uninitialized = uninitializedTaint;
let emulator: Emulator;
const daemons: RunningDaemon[] = [];

beforeAll(async () => {
  const world = metalWorldSchema.parse(
    JSON.parse(await readFile('fixtures/example/metal.json', 'utf8')),
  );
  emulator = await startEmulator({ world, token: 'daemon-test-token' });
});

afterAll(async () => {
  for (const d of daemons) if (d.process.exitCode === null) await d.kill();
  await emulator.close();
  // Nodes are cluster-wide: leave none for the next file's CCM to find.
  for (const n of (await nodes()).items) {
    await admin()
      .request({ method: 'DELETE', path: resourcePath(resources.Node, { name: n.metadata.name }) })
      .catch(() => undefined);
  }
});

const config = { apiKey: 'daemon-test-token', projectID: project, metro: 'da' };
const nodes = () =>
  admin().request<{ items: NodeBody[] }>({ method: 'GET', path: resourcePath(resources.Node) });
const node = async (name: string) => (await nodes()).items.find((n) => n.metadata.name === name);

const createNode = (name: string, providerID?: string): Promise<void> =>
  createKubeletNode(admin(), name, {
    uninitialized: true,
    ...(providerID === undefined ? {} : { providerID }),
  });

async function setReady(name: string, ready: boolean): Promise<void> {
  await admin().request({
    method: 'PATCH',
    path: resourcePath(resources.Node, { name, subresource: 'status' }),
    body: {
      status: {
        conditions: [
          {
            type: 'Ready',
            status: ready ? 'True' : 'False',
            reason: 'Test',
            lastHeartbeatTime: new Date().toISOString(),
            lastTransitionTime: new Date().toISOString(),
          },
        ],
      },
    },
    contentType: 'application/merge-patch+json',
  });
}

interface LeaseBody {
  spec: {
    holderIdentity?: string;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}
const lease = () =>
  admin().request<LeaseBody>({
    method: 'GET',
    path: resourcePath(resources.Lease, {
      namespace: 'kube-system',
      name: 'cloud-controller-manager',
    }),
  });

async function run(args: string[] = []): Promise<RunningDaemon> {
  const daemon = await startDaemon({ baseURL: emulator.url, config, args });
  daemons.push(daemon);
  return daemon;
}

describe('the daemon on a real API server and the Metal emulator', () => {
  it('stops when the Metal API refuses its key, saying what to check, never the key; calls nothing else', async () => {
    const wrongKey = 'not-the-key-5f0e9c2a';
    const before = emulator.counters();
    const { code, output } = await daemonUntilExit({
      kubeconfig: kube().ccmKubeconfig,
      baseURL: emulator.url,
      config: { ...config, apiKey: wrongKey },
    });
    expect(code).toBe(1);
    expect(output).toMatch(
      /metal-ccm: the Metal API refused the credentials \(401\): check .+ and that it may use the project/,
    );
    expect(output).not.toContain(wrongKey);
    // Asked once whether the key may read the project; no list, no write, no retries.
    const after = emulator.counters();
    const called = Object.keys(after).filter((op) => after[op] !== before[op]);
    expect(called).toEqual(['findProjectById']);
    expect((after['findProjectById'] ?? 0) - (before['findProjectById'] ?? 0)).toBe(1);
  });

  it('in dry-run mode logs its plan and changes nothing', async () => {
    await createNode('worker-2');
    const daemon = await run(['--dry-run']);
    await eventually(
      () => daemon.output().includes('plan (dry run: nothing applied)'),
      15_000,
      'a dry-run plan',
    );
    expect(daemon.output()).toContain('initialise from device worker-2');
    const untouched = await node('worker-2');
    expect(untouched?.spec?.providerID).toBeUndefined();
    expect(untouched?.spec?.taints).toContainEqual(uninitialized);
    expect(await daemon.stop()).toBe(0);
  });

  it('initialises Nodes from their devices, and deletes the Node whose device is gone', async () => {
    await createNode('cp-1');
    await createNode('worker-1');
    await createNode('worker-3', 'packet://d1e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6');
    const daemon = await run();
    await eventually(
      async () => (await fetch(`${daemon.healthUrl}/readyz`)).status === 200,
      10_000,
      'ready',
    );

    const initialised = async (name: string) => {
      const n = await node(name);
      // The API server adds node.kubernetes.io/not-ready itself (no kubelet here); ours must be gone.
      const ours = (n?.spec?.taints ?? []).filter((t) =>
        t.key.startsWith('node.cloudprovider.kubernetes.io/'),
      );
      return n?.spec?.providerID !== undefined &&
        ours.length === 0 &&
        (n.status?.addresses ?? []).length > 1
        ? n
        : undefined;
    };
    const cp = await eventually(() => initialised('cp-1'), 20_000, 'cp-1 initialised');
    expect(cp.spec?.providerID).toBe('equinixmetal://3a1e5c7d-2b4f-4e8a-9c6d-1f0e2d3c4b5a');
    expect(cp.metadata.labels).toMatchObject({
      'topology.kubernetes.io/region': 'da',
      'topology.kubernetes.io/zone': 'da11',
      'node.kubernetes.io/instance-type': 'c3.small.x86',
    });
    expect(cp.status?.addresses).toEqual([
      { type: 'Hostname', address: 'cp-1' },
      { type: 'InternalIP', address: '10.70.17.9' },
      { type: 'ExternalIP', address: '203.0.113.11' },
      { type: 'ExternalIP', address: '2001:db8:4641:1f00::9' },
    ]);
    const legacy = await eventually(() => initialised('worker-3'), 20_000, 'worker-3 initialised');
    expect(legacy.spec?.providerID).toBe('packet://d1e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6');
    await eventually(() => initialised('worker-1'), 20_000, 'worker-1 initialised');
    await eventually(() => initialised('worker-2'), 20_000, 'worker-2 initialised');

    // The device of worker-1 is deleted and its kubelet stops reporting.
    emulator.world.devices.delete('7c9d2e4f-6a1b-4c3d-8e5f-0a1b2c3d4e5f');
    await setReady('worker-1', false);
    await eventually(
      async () => (await node('worker-1')) === undefined,
      20_000,
      'worker-1 deleted',
    );
    expect(await node('cp-1')).toBeDefined();
    expect(
      await metric(daemon.healthUrl, 'metal_ccm_plan_actions_total', 'result="applied"'),
    ).toBeGreaterThan(0);
    expect(await daemon.stop()).toBe(0);
  });

  it('with leader election, only the leader applies; when it dies the other takes over once the Lease went unrenewed for its whole duration', async () => {
    const leaseSeconds = 4;
    const args = [
      '--leader-elect=true',
      `--leader-elect-lease-duration=${String(leaseSeconds)}s`,
      '--leader-elect-renew-deadline=3s',
      '--leader-elect-retry-period=500ms',
    ];
    const first = await run(args);
    const second = await run(args);
    const leaderOf = async () => {
      const [a, b] = [
        await metric(first.healthUrl, 'metal_ccm_leader_election_master_status'),
        await metric(second.healthUrl, 'metal_ccm_leader_election_master_status'),
      ];
      return a === 1 && b === 0 ? first : a === 0 && b === 1 ? second : undefined;
    };
    const leader = await eventually(leaderOf, 15_000, 'exactly one leader');
    const follower = leader === first ? second : first;

    await createNode('worker-4-not-a-device');
    await setReady('cp-1', true);
    await createNode('worker-2b');
    emulator.world.devices.set('b4c5d6e7-0000-4a1b-9c2d-3e4f5a6b7c8d', {
      ...(emulator.world.devices.get('b4c5d6e7-f809-4a1b-9c2d-3e4f5a6b7c8d') as Record<
        string,
        unknown
      >),
      id: 'b4c5d6e7-0000-4a1b-9c2d-3e4f5a6b7c8d',
      hostname: 'worker-2b',
    });
    await eventually(
      async () => (await node('worker-2b'))?.spec?.providerID !== undefined,
      20_000,
      'worker-2b initialised by the leader',
    );
    // The Node shows the first write before the loop has counted the plan's actions.
    await eventually(
      async () =>
        ((await metric(leader.healthUrl, 'metal_ccm_plan_actions_total', 'result="applied"')) ??
          0) > 0,
      10_000,
      'the leader to count what it applied',
    );
    expect(
      await metric(follower.healthUrl, 'metal_ccm_plan_actions_total', 'result="applied"'),
    ).toBeUndefined();

    const before = await lease();
    await leader.kill();
    await eventually(
      async () =>
        (await metric(follower.healthUrl, 'metal_ccm_leader_election_master_status')) === 1,
      30_000,
      'the follower to lead',
    );
    // The order, not the time (that is benchmarked): the follower took the Lease over only after
    // the dead leader's last renewal had aged a whole lease duration.
    const after = await lease();
    expect(after.spec.holderIdentity).not.toBe(before.spec.holderIdentity);
    expect(after.spec.leaseTransitions).toBe((before.spec.leaseTransitions ?? 0) + 1);
    expect(
      Date.parse(after.spec.acquireTime ?? '') - Date.parse(before.spec.renewTime ?? ''),
    ).toBeGreaterThanOrEqual(leaseSeconds * 1000);

    // A clean stop releases the Lease.
    expect(await follower.stop()).toBe(0);
    expect((await lease()).spec.holderIdentity ?? '').toBe('');
  });
});
