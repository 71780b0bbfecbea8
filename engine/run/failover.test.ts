import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import type { Executors } from '../../model/executors.ts';
import type { MetalObservation } from '../../model/observation.ts';
import type { MetalRequestAction } from '../../model/plan.ts';
import type { ProbeResult } from '../../model/snapshot.ts';
import type { EventInput } from '../../providers/kubernetes/events.ts';
import { eventually } from '../../test/support/eventually.ts';
import { controlPlane, controlPlaneEip } from '../../test/support/worlds.ts';
import { ActionBackoff } from '../apply/backoff.ts';
import type { Logger } from '../cli/logging.ts';
import { WriteThroughMetal } from '../observe/write-through.ts';
import { EventReporter } from './events.ts';
import { createMetrics } from './metrics.ts';
import { Reconciler } from './reconciler.ts';

const quiet = { info: () => undefined, warn: () => undefined, debug: () => undefined };

/**
 * The control-plane world with a Node to patch (its region label gone), Kubernetes writes that hang
 * until `release()` (an API server that stopped answering), and Metal requests recorded.
 */
function hangingWorld() {
  const world = produce(controlPlane(), (d) => {
    const labels = d.kubernetes.nodes[2]?.metadata?.labels ?? {};
    delete labels['topology.kubernetes.io/region'];
  });
  let probes: readonly ProbeResult[] = world.probes;
  const requests: string[] = [];
  const k8sWrites: string[] = [];
  let release = (): void => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  const hang = (action: { target: string }): Promise<object> => {
    k8sWrites.push(action.target);
    return released.then(() => Promise.reject(new Error('the API server went away')));
  };
  const executors: Executors = {
    'kubernetes.patch': hang,
    'kubernetes.create': hang,
    'kubernetes.delete': hang,
    'kubernetes.apply': hang,
    'metal.request': (action: MetalRequestAction) => {
      requests.push(`${action.request.method} ${action.request.path}`);
      return Promise.resolve({});
    },
  };
  const metal: MetalObservation = { state: world.metal, problems: [] };
  const reconciler = new Reconciler({
    settings: world.settings,
    dryRun: false,
    concurrency: 16,
    log: quiet as unknown as Logger,
    metrics: createMetrics(),
    kubernetes: {
      synced: true,
      state: () => world.kubernetes,
      find: () => undefined,
      changed: () => new Promise(() => undefined),
    },
    metal: new WriteThroughMetal(
      { observe: () => Promise.resolve(metal), refresh: () => Promise.resolve(metal) },
      { maxAgeMs: 30_000 },
    ),
    location: () => Promise.resolve({ metro: 'da', from: 'configuration' as const }),
    probes: () => probes,
    executors,
    events: new EventReporter(
      { record: (_: EventInput) => Promise.resolve() },
      quiet as unknown as Logger,
    ),
    leading: () => true,
    metalVerified: () => true,
    stopped: () => false,
    backoff: new ActionBackoff(),
  });
  /** The EIP's holder fails its probes past the threshold; the other nodes answer. */
  const failHolder = (): void => {
    probes = probes.map((p) =>
      p.address === controlPlaneEip ? { ...p, ok: false, status: 500, consecutiveFailures: 3 } : p,
    );
  };
  return { reconciler, requests, k8sWrites, release, failHolder };
}

describe('control-plane failover while a loop applies', () => {
  it('moves the EIP at once, and once, while the loop waits on a hung Kubernetes write', async () => {
    const w = hangingWorld();
    const first = w.reconciler.loop('start');
    await eventually(() => w.k8sWrites.length > 0, 2000, 'the loop to write to Kubernetes');
    expect(w.requests).toEqual([]);

    w.failHolder();
    w.reconciler.probesChanged();
    await w.reconciler.moving; // what stopping the daemon waits for
    expect(w.reconciler.moving).toBeUndefined();
    expect(w.requests[0]).toMatch(/^DELETE \/ips\//); // off the failing holder
    expect(w.requests[1]).toMatch(/^POST \/devices\/.+\/ips$/); // onto a healthy node
    w.reconciler.probesChanged(); // a move under way is not started twice
    expect(w.requests, w.requests.join('\n')).toHaveLength(2);

    w.release();
    await first;
  });

  it('leaves the move to the loop when its own plan moves the EIP', async () => {
    const w = hangingWorld();
    w.failHolder();
    const first = w.reconciler.loop('start');
    await eventually(() => w.requests.length === 2, 2000, 'the loop to move the EIP');
    w.reconciler.probesChanged();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(w.requests).toHaveLength(2);
    w.release();
    await first;
  });
});
