import type { V1Service } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Executors } from '../../model/executors.ts';
import type { ClusterId } from '../../model/ids.ts';
import type { MetalObservation } from '../../model/observation.ts';
import type { MetalRequestAction } from '../../model/plan.ts';
import type { KubernetesState } from '../../model/snapshot.ts';
import type { EventInput } from '../../providers/kubernetes/events.ts';
import { projectId, settings } from '../../test/support/builders.ts';
import { MemoryWorld } from '../../test/support/memory-world.ts';
import { ActionBackoff } from '../apply/backoff.ts';
import { WriteThroughMetal } from '../observe/write-through.ts';
import type { Logger } from '../cli/logging.ts';
import { EventReporter } from './events.ts';
import { createMetrics } from './metrics.ts';
import { Reconciler, type ReconcilerDeps } from './reconciler.ts';
import type { LoopEnd, Trigger } from './scheduler.ts';

const refused =
  'Metal API requestIPReservation (POST /projects/p/ips) failed: 422: Metro zz is not a valid metro';

/** A Service already carrying the CCM's finalizer, whose Elastic IP is in a metro Metal refuses. */
const service = (i: number): V1Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: {
    name: `svc-${String(i)}`,
    namespace: 'default',
    uid: `uid-${String(i)}`,
    resourceVersion: '5',
    finalizers: ['service.kubernetes.io/load-balancer-cleanup'],
    annotations: { 'metal.equinix.com/eip-metro': 'zz' },
  },
  spec: { type: 'LoadBalancer', ports: [{ port: 80 }] },
});

const state = (services: number): KubernetesState => ({
  clusterId: 'c0ffee00-0000-4000-8000-000000000001' as ClusterId,
  nodes: [],
  services: Array.from({ length: services }, (_, i) => service(i)),
  kubernetesEndpointSlices: [],
  mirrorEndpointSlices: [],
});

const metal: MetalObservation = {
  state: {
    project: { id: projectId, name: 'p' },
    devices: [],
    reservations: [],
    bgpSessions: [],
    complete: true,
  },
  problems: [],
};

/** No cache here ever changes (find shows nothing, so nothing is waited for). */
const never = (): Promise<void> => new Promise(() => undefined);

const quiet = {
  info: () => undefined,
  warn: () => undefined,
  debug: () => undefined,
  error: () => undefined,
};

/** A daemon's Reconciler over the given Kubernetes, Metal and executors (no load balancer: Elastic IPs). */
function reconcilerOf(
  deps: Pick<ReconcilerDeps, 'kubernetes' | 'metal' | 'executors' | 'events'> &
    Partial<Pick<ReconcilerDeps, 'metrics' | 'metalVerified' | 'leading'>>,
): Reconciler {
  return new Reconciler({
    settings: settings({ loadBalancer: { kind: 'empty' }, eipLimit: 0 }),
    dryRun: false,
    concurrency: 16,
    log: quiet as unknown as Logger,
    metrics: createMetrics(),
    location: () => Promise.resolve({ metro: 'da', from: 'configuration' as const }),
    probes: () => [],
    leading: () => true,
    metalVerified: () => true,
    stopped: () => false,
    backoff: new ActionBackoff(),
    ...deps,
  });
}

/** A daemon's loop over 50 refused Services, with Metal's answers and the clock in the test's hands. */
function refusedWorld(services: number) {
  const posts = new Map<string, number>();
  const events: EventInput[] = [];
  const refuse = (action: MetalRequestAction): Promise<object> => {
    // Project BGP is asked for too (a load balancer is configured), and refused likewise.
    const { operation } = action.request;
    const key = operation === 'requestIPReservation' ? (action.regarding?.name ?? '') : operation;
    posts.set(key, (posts.get(key) ?? 0) + 1);
    return Promise.reject(new Error(refused));
  };
  const unexpected = (): Promise<object> => Promise.reject(new Error('unexpected write'));
  const executors: Executors = {
    'kubernetes.patch': unexpected,
    'kubernetes.create': unexpected,
    'kubernetes.delete': unexpected,
    'kubernetes.apply': unexpected,
    'metal.request': refuse,
  };
  const sink = { record: (e: EventInput) => Promise.resolve(void events.push(e)) };
  const metrics = createMetrics();
  const reconciler = reconcilerOf({
    metrics,
    kubernetes: {
      synced: true,
      state: () => state(services),
      find: () => undefined,
      changed: never,
    },
    metal: new WriteThroughMetal(
      { observe: () => Promise.resolve(metal), refresh: () => Promise.resolve(metal) },
      { maxAgeMs: 30_000 },
    ),
    executors,
    events: new EventReporter(sink, quiet as unknown as Logger),
  });
  return { reconciler, posts, events, metrics };
}

/**
 * Runs loops as the scheduler would for `ms` of (fake) time: the loop a loop asks for, and a resync
 * every 30 s. Returns how many loops ran.
 */
async function runFor(reconciler: Reconciler, ms: number): Promise<number> {
  const end = Date.now() + ms;
  let resync = Date.now() + 30_000;
  let trigger: Trigger = 'start';
  let loops = 0;
  while (Date.now() < end) {
    const asked: LoopEnd['next'] = (await reconciler.loop(trigger)).next;
    loops++;
    const retry: number = asked === undefined ? Infinity : Date.now() + asked.delayMs;
    trigger = retry < resync ? (asked?.trigger ?? 'resync') : 'resync';
    vi.setSystemTime(Math.max(Date.now() + 1, Math.min(retry, resync)));
    if (trigger === 'resync') resync += 30_000;
  }
  return loops;
}

describe('Reconciler: failing actions back off', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-01T12:00:00Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends each refused create at most 10 times in 10 minutes, and its Warning Event once a failure', async () => {
    const { reconciler, posts, events } = refusedWorld(50);
    const loops = await runFor(reconciler, 600_000);
    expect(posts.size).toBe(51);
    const counts = [...posts.values()];
    expect(Math.max(...counts)).toBeLessThanOrEqual(10);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(8);
    // A Warning Event a failure and none while it waits, the same each time: the recorder counts
    // them in one series per Service instead of making new ones.
    await new Promise((resolve) => setImmediate(resolve));
    const failed = events.filter((e) => e.reason === 'ElasticIPRequestedFailed');
    const series = Map.groupBy(failed, (e) => `${e.regarding.name}\n${e.note}`);
    expect(series.size).toBe(50);
    for (const [key, list] of series)
      expect(list.length, key).toBe(posts.get(key.split('\n')[0] ?? ''));
    const total = counts.reduce((a, b) => a + b, 0);
    expect(loops).toBeLessThan(total);
  });

  it("observes nothing, and writes nothing, before the Metal credentials were checked; a standby's loop still counts", async () => {
    let observed = 0;
    const count = () => {
      observed++;
      return Promise.resolve(metal);
    };
    const unexpected = (): Promise<object> => Promise.reject(new Error('unexpected write'));
    const unchecked = (leading: boolean) => {
      const metrics = createMetrics();
      const reconciler = reconcilerOf({
        metrics,
        leading: () => leading,
        metalVerified: () => false,
        kubernetes: { synced: true, state: () => state(3), find: () => undefined, changed: never },
        metal: new WriteThroughMetal({ observe: count, refresh: count }, { maxAgeMs: 30_000 }),
        executors: {
          'kubernetes.patch': unexpected,
          'kubernetes.create': unexpected,
          'kubernetes.delete': unexpected,
          'kubernetes.apply': unexpected,
          'metal.request': unexpected,
        },
        events: new EventReporter({ record: () => Promise.resolve() }, quiet as unknown as Logger),
      });
      return { reconciler, metrics };
    };
    const leader = unchecked(true);
    expect(await leader.reconciler.loop('change')).toEqual({});
    expect((await leader.metrics.loops.get()).values).toEqual([]);
    const standby = unchecked(false);
    expect(await standby.reconciler.loop('change')).toEqual({});
    const results = (await standby.metrics.loops.get()).values.map((v) => v.labels['result']);
    expect(results).toEqual(['not-leader']);
    expect(observed).toBe(0);
  });

  it('runs no apply pass when every action waits for its retry or for one that does', async () => {
    const { reconciler, metrics } = refusedWorld(3);
    await runFor(reconciler, 600_000);
    const results = (await metrics.loops.get()).values.map((v) => String(v.labels['result']));
    // Each Service's address waits on its refused request: nothing is ever applied, so a loop
    // either sends what is due (and it fails) or backs off.
    expect(results).toContain('backing-off');
    expect(results).not.toContain('applied');
  });
});

describe('Reconciler: a new Service in one loop, on the Metal state kept', () => {
  it('puts the finalizer, the reservation, the address and the status in one loop, and the next loop lists nothing', async () => {
    const fresh: V1Service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default', uid: 'u', resourceVersion: '5' },
      spec: { type: 'LoadBalancer', ports: [{ port: 80 }] },
    };
    const world = new MemoryWorld([fresh]);
    let lists = 0;
    const reader = {
      observe: () => {
        lists++;
        // Project BGP is on already: the only write is the reservation.
        const bgpConfig = { id: 'b', status: 'enabled' as const, asn: 65000 };
        return Promise.resolve({ ...metal, state: { ...metal.state, bgpConfig } });
      },
      refresh: (kept: MetalObservation['state']) => Promise.resolve({ state: kept, problems: [] }),
    };
    const reconciler = reconcilerOf({
      kubernetes: {
        synced: true,
        state: () => ({
          ...state(0),
          services: [world.get('Service', 'web', 'default') as V1Service],
        }),
        find: () => undefined,
        changed: never,
      },
      metal: new WriteThroughMetal(reader, { maxAgeMs: 30_000 }),
      executors: world.executors,
      events: new EventReporter({ record: () => Promise.resolve() }, quiet as unknown as Logger),
    });
    await reconciler.loop('start');
    const web = world.get('Service', 'web', 'default') as V1Service;
    expect(web.metadata?.finalizers).toEqual(['service.kubernetes.io/load-balancer-cleanup']);
    expect(web.spec?.loadBalancerIP).toBe('100.64.0.0');
    expect(web.status?.loadBalancer?.ingress).toEqual([{ ip: '100.64.0.0' }]);
    expect(web.status?.conditions).toMatchObject([
      {
        type: 'metal.equinix.com/ElasticIPReady',
        status: 'True',
        message: expect.stringMatching(/^Elastic IP 100\.64\.0\.0 \(reservation [0-9a-f-]{36}\)$/),
      },
    ]);
    expect(world.metalRequests.map((r) => r.operation)).toEqual(['requestIPReservation']);
    const patches = world.started.length;
    await reconciler.loop('change');
    expect(lists).toBe(1);
    // The condition as the loop after sees it from the reservation folded in: nothing to write.
    expect(world.started.length).toBe(patches);
  });
});
