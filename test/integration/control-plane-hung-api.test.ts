import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resourcePath, resources } from '../../providers/kubernetes/resources.ts';
import {
  controlPlaneCcm,
  probeFailures as failures,
  probeIntervalMs as intervalMs,
  type ControlPlaneCcm,
} from '../support/control-plane-ccm.ts';
import type { ControlPlaneWorld } from '../support/control-plane-world.ts';
import { admin, eventually, kube } from '../support/integration.ts';
import { KubeProxy } from '../support/kube-proxy.ts';

const region = 'topology.kubernetes.io/region';
let proxy: KubeProxy;
let ccm: ControlPlaneCcm;
let world: ControlPlaneWorld;

const nodeRegion = async (name: string): Promise<string | undefined> => {
  const node = await admin().request<{ metadata: { labels?: Record<string, string> } }>({
    method: 'GET',
    path: resourcePath(resources.Node, { name }),
  });
  return node.metadata.labels?.[region];
};

beforeAll(async () => {
  proxy = await KubeProxy.start(kube());
  ccm = await controlPlaneCcm(kube(), { kubeconfig: await proxy.ccmKubeconfig() });
  world = ccm.world;
});

afterAll(async () => {
  await ccm.stop();
  await proxy.close();
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
