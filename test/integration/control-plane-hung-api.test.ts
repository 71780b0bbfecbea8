import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mirrorService } from '../../model/marks/control-plane.ts';
import { resourcePath, resources } from '../../providers/kubernetes/resources.ts';
import { syntheticProject } from '../../emulator/synthetic.ts';
import {
  controlPlaneToken,
  controlPlaneWorld,
  eipTag,
  type ControlPlaneWorld,
} from '../support/control-plane-world.ts';
import { spawnDaemon, type RunningDaemon } from '../support/daemon-process.ts';
import { admin, eventually, forceDelete, kube } from '../support/integration.ts';
import { KubeProxy } from '../support/kube-proxy.ts';

const intervalMs = 500;
const failures = 3;
const region = 'topology.kubernetes.io/region';
let world: ControlPlaneWorld;
let proxy: KubeProxy;
let daemon: RunningDaemon;

const nodeRegion = async (name: string): Promise<string | undefined> => {
  const node = await admin().request<{ metadata: { labels?: Record<string, string> } }>({
    method: 'GET',
    path: resourcePath(resources.Node, { name }),
  });
  return node.metadata.labels?.[region];
};

beforeAll(async () => {
  world = await controlPlaneWorld({
    admin: admin(),
    port: Number(new URL(kube().server).port),
    tls: kube().servingCertificate,
  });
  proxy = await KubeProxy.start(kube());
  daemon = await spawnDaemon({
    kubeconfig: await proxy.ccmKubeconfig(),
    baseURL: world.emulator.url,
    config: { apiKey: controlPlaneToken, projectID: syntheticProject, metro: 'da', eipTag },
    args: [
      `--eip-health-check-interval=${String(intervalMs)}ms`,
      `--eip-health-check-failures=${String(failures)}`,
    ],
  });
});

afterAll(async () => {
  await daemon.kill();
  await proxy.close();
  await world.close();
  await forceDelete(resourcePath(resources.Service, mirrorService));
  await forceDelete(resourcePath(resources.EndpointSlice, mirrorService));
});

describe('control-plane Elastic IP while the API server stops answering', () => {
  it('moves off a failing node while a loop waits on a Kubernetes write that hangs', async () => {
    await eventually(() => world.holder() !== undefined, 15_000, 'the EIP assigned');
    await eventually(async () => (await nodeRegion('cp-3')) !== undefined, 15_000, 'cp-3 set up');
    // From here the CCM's Node writes get no answer, and a loop has one to make.
    proxy.holdWhen((method, path) => method === 'PATCH' && path.startsWith('/api/v1/nodes/'));
    await admin().request({
      method: 'PATCH',
      path: resourcePath(resources.Node, { name: 'cp-3' }),
      body: { metadata: { labels: { [region]: null } } },
      contentType: 'application/merge-patch+json',
    });
    await eventually(() => proxy.held > 0, 10_000, 'a loop waiting on its Node write');

    const first = world.holder();
    const holder = world.standIns.find((s) => s.deviceId === first);
    if (holder === undefined) throw new Error('no holder');
    holder.healthy = false;
    // The failures in a row, then the move: well inside the 30 s the hung write may take.
    await eventually(
      () => world.holder() !== first && world.holder() !== undefined,
      (failures + 1) * intervalMs + 5000,
      'the EIP moved',
      10,
    );
    expect(proxy.held).toBeGreaterThan(0); // it did not wait for the write
    expect(world.standIns.find((s) => s.deviceId === world.holder())?.healthy).toBe(true);

    proxy.release();
    await eventually(async () => (await nodeRegion('cp-3')) === 'da', 15_000, 'cp-3 set up again');
  });
});
