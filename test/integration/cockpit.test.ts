import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metalWorldSchema } from '../../providers/fixture/metal.ts';
import { resourcePath, resources } from '../../providers/kubernetes/resources.ts';
import { startEmulator, type Emulator } from '../../emulator/emulator.ts';
import { createLoadBalancerService } from '../support/kube-rest.ts';
import { eventWith } from '../support/events.ts';
import {
  admin,
  deleteNodes,
  eventually,
  forceDelete,
  metric,
  startDaemon,
  type RunningDaemon,
} from '../support/integration.ts';
import { mountSecret } from '../support/mounted-secret.ts';

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}
interface WithConditions {
  status?: { conditions?: Condition[] };
}

const project = '0f6b7b9e-2c1a-4e6f-9a57-3f0c1c0d6a11';
const worker1 = '7c9d2e4f-6a1b-4c3d-8e5f-0a1b2c3d4e5f';
const nodes = ['cp-1', 'worker-1', 'worker-2'];
const keys = ['key-one-5d0c9e', 'key-two-a81f44', 'key-three-0b7e2d'];
const keyDir = mkdtempSync(join(tmpdir(), 'metal-key-mount-'));
let emulator: Emulator;
let daemon: RunningDaemon;

const get = <T>(path: string) => admin().request<T>({ method: 'GET', path });
const serviceCondition = async (name: string) =>
  (
    await get<WithConditions>(resourcePath(resources.Service, { namespace: 'default', name }))
  ).status?.conditions?.find((c) => c.type === 'metal.equinix.com/ElasticIPReady');
const nodeConditions = async (name: string) =>
  (await get<WithConditions>(resourcePath(resources.Node, { name }))).status?.conditions ?? [];
const bgpCondition = async (name: string) =>
  (await nodeConditions(name)).find((c) => c.type === 'metal.equinix.com/BGPSessionsEstablished');

/** `kubectl wait --for=condition=<type>=<status>`: the condition once it has that status. */
const waitFor = (what: () => Promise<Condition | undefined>, status: string, label: string) =>
  eventually(
    async () => {
      const c = await what();
      return c?.status === status ? c : undefined;
    },
    30_000,
    label,
  );

beforeAll(async () => {
  const world = metalWorldSchema.parse(
    JSON.parse(await readFile('fixtures/lb-fresh/metal.json', 'utf8')),
  );
  emulator = await startEmulator({ world, token: keys[0] });
  mountSecret(keyDir, 1, { apiKey: `${keys[0] ?? ''}\n` });
  for (const name of nodes) {
    await admin().request({
      method: 'POST',
      path: resourcePath(resources.Node),
      body: { apiVersion: 'v1', kind: 'Node', metadata: { name } },
    });
    // What the kubelet reports: the CCM must leave it as it is.
    await admin().request({
      method: 'PATCH',
      path: `${resourcePath(resources.Node, { name })}/status`,
      contentType: 'application/merge-patch+json',
      body: {
        status: {
          conditions: [
            { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is ready' },
          ],
        },
      },
    });
  }
  daemon = await startDaemon({
    baseURL: emulator.url,
    config: {
      apiKeyFile: join(keyDir, 'apiKey'),
      projectID: project,
      metro: 'da',
      loadbalancer: 'kube-vip://',
      bgpPass: 'Fixture42Secret',
    },
  });
});

afterAll(async () => {
  if (daemon.process.exitCode === null) await daemon.kill();
  await emulator.close();
  await deleteNodes(nodes);
  for (const name of ['ready-web', 'after-rotation'])
    await forceDelete(resourcePath(resources.Service, { namespace: 'default', name }));
  rmSync(keyDir, { recursive: true, force: true });
});

describe('the operator’s cockpit end to end, on a real API server and the Metal emulator', () => {
  it('a Service says when its Elastic IP is ready (kubectl wait)', async () => {
    await createLoadBalancerService(admin(), 'ready-web', { ports: [{ port: 80 }] });
    const ready = await waitFor(() => serviceCondition('ready-web'), 'True', 'ElasticIPReady');
    expect(ready).toMatchObject({ reason: 'Assigned' });
    expect(ready.message).toMatch(/^Elastic IP \d+\.\d+\.\d+\.\d+ \(reservation /);
  });

  it('a BGP session going down on one switch: Node condition False, a Warning Event, the gauge', async () => {
    // A new session reports "unknown" until its switches do.
    await waitFor(() => bgpCondition('worker-1'), 'Unknown', 'BGPSessionsEstablished Unknown');
    expect(emulator.world.setSessionStatus(worker1, 'up,up')).toBe(true);
    await waitFor(() => bgpCondition('worker-1'), 'True', 'BGPSessionsEstablished True');
    expect(emulator.world.setSessionStatus(worker1, 'up,down')).toBe(true);
    const down = await waitFor(
      () => bgpCondition('worker-1'),
      'False',
      'BGPSessionsEstablished False',
    );
    expect(down).toMatchObject({ reason: 'SessionDown' });
    expect(down.message).toContain('down: peer 169.254.255.2');
    const event = await eventually(
      () => eventWith('default', 'Node', 'worker-1', 'BgpSessionDown'),
      20_000,
      'the BgpSessionDown Event',
    );
    expect(event.type).toBe('Warning');
    expect(await metric(daemon.healthUrl, 'metal_ccm_bgp_sessions', 'state="down"')).toBe(1);
    // The kubelet's condition is where it was.
    expect((await nodeConditions('worker-1')).map((c) => `${c.type}=${c.status}`)).toEqual([
      'Ready=True',
      'metal.equinix.com/BGPSessionsEstablished=False',
    ]);
  });

  it('a key rotated in its mounted Secret is used by the next Metal call; a refused one is named by its file', async () => {
    mountSecret(keyDir, 2, { apiKey: keys[1] ?? '' });
    emulator.rotateToken(keys[1] ?? '');
    await createLoadBalancerService(admin(), 'after-rotation', { ports: [{ port: 80 }] });
    await waitFor(
      () => serviceCondition('after-rotation'),
      'True',
      'ElasticIPReady after rotation',
    );
    expect(daemon.output()).not.toContain('refused');
    // Metal revokes the key before the Secret is updated: the log says which key it refused.
    emulator.rotateToken(keys[2] ?? '');
    const line = await eventually(
      () =>
        daemon
          .output()
          .split('\n')
          .find((l) => l.includes('the Metal API refused')),
      20_000,
      'the refusal logged',
    );
    // klog's text format quotes the message, so its own quotes come escaped.
    expect(line).toContain(
      `the Metal API refused the API key read from file ${join(keyDir, 'apiKey')} (field \\"apiKeyFile\\" of the config Secret`,
    );
    expect(line).toContain('status=401');
    for (const key of keys) expect(daemon.output()).not.toContain(key);
  });
});
