import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/emulator.ts';
import { syntheticProject, syntheticWorld } from '../../emulator/synthetic.ts';
import type { KubernetesObject } from '../../model/kubernetes.ts';
import { ResilientCache, type CacheEvent } from '../../providers/kubernetes/cache.ts';
import { resourcePath, resources } from '../../providers/kubernetes/resources.ts';
import { spawnDaemon, type RunningDaemon } from '../support/daemon-process.ts';
import { admin, eventually, kube, restFor, unique } from '../support/integration.ts';
import { KubeProxy } from '../support/kube-proxy.ts';
import { createNode as createKubeletNode } from '../support/kube-rest.ts';

// The watch faults a real API server shows only now and then, made on purpose by a proxy between
// it and the CCM: a 410 Gone, a stream that goes silent, an event that never arrives.

const nodes = resourcePath(resources.Node);
let proxy: KubeProxy;
const created: string[] = [];

async function createNode(name: string): Promise<void> {
  created.push(name);
  await createKubeletNode(admin(), name, { uninitialized: true });
}

beforeAll(async () => {
  proxy = await KubeProxy.start(kube());
});

afterAll(async () => {
  await proxy.close();
  for (const name of created)
    await admin()
      .request({ method: 'DELETE', path: resourcePath(resources.Node, { name }) })
      .catch(() => undefined);
});

describe('the running CCM, when its Node watch ends with 410 Gone', () => {
  let emulator: Emulator;
  let daemon: RunningDaemon;

  afterAll(async () => {
    await daemon.kill();
    await emulator.close();
  });

  it('lists again and goes on: a Node created after it is initialised', async () => {
    emulator = await startEmulator({
      world: syntheticWorld({ devices: 2, reservations: 0 }),
      token: 'watch-token',
    });
    daemon = await spawnDaemon({
      kubeconfig: await proxy.ccmKubeconfig(),
      baseURL: emulator.url,
      config: { apiKey: 'watch-token', projectID: syntheticProject, metro: 'da' },
    });
    await eventually(() => proxy.gone(nodes) === 1, 10_000, 'an open Node watch to end with 410');
    const goneAt = Date.now();
    await createNode('node-1'); // the device node-1 of the synthetic project
    const node = await eventually(
      async () => {
        const n = await admin().request<{ spec: { providerID?: string } }>({
          method: 'GET',
          path: resourcePath(resources.Node, { name: 'node-1' }),
        });
        return n.spec.providerID;
      },
      20_000,
      'node-1 initialised',
    );
    expect(node).toBe('equinixmetal://00000001-0000-4000-8000-000000000001');
    // The cause: after the 410 the CCM listed the Nodes again (a resume from its old version is
    // refused, as it would be after etcd's compaction).
    expect(proxy.log.some((r) => r.path === nodes && !r.watch && r.at >= goneAt)).toBe(true);
  });
});

describe('a cache on the real API server (the CCM has no flag to shorten its own timers)', () => {
  const caches: ResilientCache<KubernetesObject>[] = [];

  afterAll(async () => {
    for (const c of caches) await c.stop();
  });

  async function nodeCache(timers: {
    watchTimeoutSeconds: number;
    staleAfterMs: number;
    relistEveryMs: number;
  }): Promise<{ cache: ResilientCache<KubernetesObject>; events: CacheEvent[] }> {
    const events: CacheEvent[] = [];
    const cache = new ResilientCache<KubernetesObject>(restFor(await proxy.ccmKubeconfig()), {
      resource: resources.Node,
      ...timers,
      onEvent: (e) => events.push(e),
    });
    caches.push(cache);
    cache.start();
    await cache.whenSynced();
    return { cache, events };
  }

  const sees = (cache: ResilientCache<KubernetesObject>, name: string) => () =>
    cache.list().some((n) => n.metadata?.name === name);

  it('takes a silent watch stream for dead (the watchdog) and watches again', async () => {
    const { cache, events } = await nodeCache({
      watchTimeoutSeconds: 300,
      staleAfterMs: 1500,
      relistEveryMs: 600_000,
    });
    await eventually(() => proxy.silence(nodes) > 0, 5000, 'a Node watch to silence');
    const name = unique('after-silence');
    await createNode(name);
    await eventually(sees(cache, name), 10_000, 'the Node created while the stream was silent');
    expect(events).toContain('stale');
  });

  it('lists again now and then, and so finds what a watch never brought', async () => {
    const name = unique('never-watched');
    proxy.swallowWhen((path, event) => path === nodes && event.object.metadata?.name === name);
    const { cache, events } = await nodeCache({
      watchTimeoutSeconds: 1,
      staleAfterMs: 60_000,
      relistEveryMs: 2000,
    });
    await createNode(name);
    await eventually(sees(cache, name), 10_000, 'the Node no watch event announced');
    expect(events).toContain('relist-due');
  });
});
