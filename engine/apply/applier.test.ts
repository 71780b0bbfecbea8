import { describe, expect, it } from 'vitest';
import type { ActionId } from '../../model/ids.ts';
import { KnownAfterApply } from '../../model/known-after-apply.ts';
import type { Action, KubernetesPatchAction, MetalRequestAction, Plan } from '../../model/plan.ts';
import { node } from '../../test/support/builders.ts';
import { MemoryWorld } from '../../test/support/memory-world.ts';
import { StaleWriteError } from '../../providers/kubernetes/executor.ts';
import { apply, tally } from './applier.ts';

const header = { observedAt: '2026-11-01T12:00:00Z', source: 'test' };

function label(
  id: string,
  name: string,
  key: string,
  dependsOn: string[] = [],
  rv = '7',
): KubernetesPatchAction {
  return {
    id: id as ActionId,
    kind: 'kubernetes.patch',
    area: 'nodes',
    operation: 'update',
    target: `Node ${name}`,
    reason: 'test',
    event: 'Test',
    changes: [],
    dependsOn: dependsOn as ActionId[],
    object: { apiVersion: 'v1', kind: 'Node', name },
    guard: { resourceVersion: rv },
    patch: [{ op: 'add', path: `/metadata/labels/${key}`, value: 'yes' }],
  };
}

function request(id: string, dependsOn: string[] = []): MetalRequestAction {
  return {
    id: id as ActionId,
    kind: 'metal.request',
    area: 'bgp',
    operation: 'create',
    target: `request ${id}`,
    reason: 'test',
    event: 'Test',
    changes: [],
    dependsOn: dependsOn as ActionId[],
    request: { operation: 'op', method: 'POST', path: `/${id}` },
  };
}

const planOf = (actions: Action[]): Plan => ({ header, actions, warnings: [] });

describe('apply', () => {
  it('runs every action once, dependencies first', async () => {
    const world = new MemoryWorld([node('a')]);
    const report = await apply(
      planOf([request('r2', ['r1']), request('r1'), request('r3', ['r2'])]),
      world.executors,
      { concurrency: 4 },
    );
    expect(world.started).toEqual(['r1', 'r2', 'r3']);
    expect(report.outcomes.map((o) => o.status)).toEqual(['applied', 'applied', 'applied']);
  });

  it('keeps to the concurrency bound', async () => {
    const world = new MemoryWorld();
    world.delayMs = 5;
    const actions = Array.from({ length: 10 }, (_, i) => request(`r${i}`));
    await apply(planOf(actions), world.executors, { concurrency: 3 });
    expect(world.started).toHaveLength(10);
    expect(world.maxInFlight).toBe(3);
  });

  it('skips the dependants of a failed action, transitively, and runs the rest', async () => {
    const world = new MemoryWorld();
    world.failing.add('r1');
    const report = await apply(
      planOf([request('r1'), request('r2', ['r1']), request('r3', ['r2']), request('r4')]),
      world.executors,
      { concurrency: 2 },
    );
    expect(report.outcomes).toEqual([
      { id: 'r1', status: 'failed', error: expect.any(Error) },
      { id: 'r2', status: 'skipped', reason: 'dependency r1 failed' },
      { id: 'r3', status: 'skipped', reason: 'dependency r2 skipped' },
      { id: 'r4', status: 'applied', result: {} },
    ]);
    expect(world.started).toEqual(['r1', 'r4']);
  });

  it('moves the guard of a chained write to the version the previous write left', async () => {
    const world = new MemoryWorld([node('a')]);
    const report = await apply(
      planOf([label('p1', 'a', 'x'), label('p2', 'a', 'y', ['p1'])]),
      world.executors,
      { concurrency: 4 },
    );
    expect(report.outcomes.map((o) => o.status)).toEqual(['applied', 'applied']);
    expect(world.get('Node', 'a')?.metadata?.labels).toMatchObject({ x: 'yes', y: 'yes' });
  });

  it('fails a write whose object changed since it was observed, and skips what follows', async () => {
    const world = new MemoryWorld([node('a')]);
    const report = await apply(
      planOf([label('p1', 'a', 'x', [], '6'), label('p2', 'a', 'y', ['p1'])]),
      world.executors,
      { concurrency: 4 },
    );
    expect(report.outcomes[0]).toMatchObject({ status: 'failed' });
    expect(String((report.outcomes[0] as { error: unknown }).error)).toMatch(
      /changed since it was observed/,
    );
    expect(report.outcomes[1]).toMatchObject({ status: 'skipped' });
    expect(world.get('Node', 'a')?.metadata?.labels).not.toHaveProperty('x');
  });

  it('puts a value known after apply in from the answer of the action it depends on', async () => {
    const world = new MemoryWorld([node('a')]);
    const reserve: Action = {
      ...request('r1'),
      request: { operation: 'requestIPReservation', method: 'POST', path: '/projects/p/ips' },
    };
    const address = new KnownAfterApply('r1' as ActionId, '{address}');
    const given: Action = {
      ...label('p1', 'a', 'eip', ['r1']),
      patch: [{ op: 'add', path: '/metadata/labels/eip', value: address }],
    };
    const report = await apply(planOf([reserve, given]), world.executors, { concurrency: 4 });
    expect(report.outcomes.map((o) => o.status)).toEqual(['applied', 'applied']);
    expect(world.get('Node', 'a')?.metadata?.labels).toMatchObject({ eip: '100.64.0.0' });
    world.pending = true; // over quota: the reservation has no address yet
    const again = await apply(
      planOf([reserve, { ...given, id: 'p2' as ActionId }]),
      world.executors,
      {
        concurrency: 4,
      },
    );
    expect(again.outcomes[1]).toEqual({
      id: 'p2',
      status: 'skipped',
      reason: 'the answer of r1 gave no address (known after apply)',
    });
  });

  it('fails an action whose value known after apply cannot be read, and still ends', async () => {
    const world = new MemoryWorld([node('a')]);
    const reservation = new Proxy(
      {},
      {
        get: () => {
          throw new TypeError('an answer of no known shape');
        },
      },
    );
    const executors = {
      ...world.executors,
      'metal.request': () =>
        Promise.resolve({ metal: { kind: 'reservation-created', reservation } } as never),
    };
    const given: Action = {
      ...label('p1', 'a', 'eip', ['r1']),
      patch: [
        {
          op: 'add',
          path: '/metadata/labels/eip',
          value: new KnownAfterApply('r1' as ActionId, '{address}'),
        },
      ],
    };
    const report = await apply(planOf([request('r1'), given]), executors, { concurrency: 4 });
    expect(report.outcomes.map((o) => o.status)).toEqual(['applied', 'failed']);
    expect(String((report.outcomes[1] as { error: unknown }).error)).toMatch(/no known shape/);
  });

  it('sends no action waiting in its backoff, and skips what depends on it', async () => {
    const world = new MemoryWorld();
    const plan: Plan = {
      ...planOf([request('r1'), request('r2', ['r1']), request('r3')]),
      waiting: [
        { action: 'r1' as ActionId, failures: 2, retryAt: '2026-11-01T12:00:05Z', lastError: 'x' },
      ],
    };
    const report = await apply(plan, world.executors, { concurrency: 2 });
    expect(report.outcomes).toEqual([
      { id: 'r1', status: 'waiting' },
      { id: 'r2', status: 'skipped', reason: 'dependency r1 waiting' },
      { id: 'r3', status: 'applied', result: {} },
    ]);
    expect(world.started).toEqual(['r3']);
  });

  it('finishes each chain before starting new ones, and sends Metal requests beside Kubernetes writes', async () => {
    // Three Nodes, each a chain: a label, then a Metal request, then another label.
    const names = ['a', 'b', 'c'];
    const world = new MemoryWorld(names.map((n) => node(n)));
    const actions = names.flatMap((n) => [
      label(`${n}1`, n, 'first'),
      request(`${n}2`, [`${n}1`]),
      label(`${n}3`, n, 'second', [`${n}2`]),
    ]);
    await apply(planOf(actions), world.executors, { concurrency: 1 });
    // One Kubernetes write at a time: a's chain goes on as soon as its request answered, ahead
    // of the first writes of b and c still waiting (before, every first write went first).
    expect(world.started.indexOf('a3')).toBeLessThan(world.started.indexOf('c1'));
    expect(world.started.filter((id) => id.endsWith('2'))).toEqual(['a2', 'b2', 'c2']);
  });

  it('counts how the actions ended, a lost race apart from a failure', () => {
    const id = (n: string) => n as ActionId;
    expect(
      tally([
        { id: id('a'), status: 'applied' },
        { id: id('b'), status: 'failed', error: new StaleWriteError('changed') },
        { id: id('c'), status: 'failed', error: new Error('refused') },
        { id: id('d'), status: 'skipped', reason: 'dependency c failed' },
        { id: id('e'), status: 'waiting' },
      ]),
    ).toEqual({ applied: 1, failed: 1, conflicts: 1, skipped: 1, waiting: 1 });
  });
});
