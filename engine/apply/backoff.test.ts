import { describe, expect, it } from 'vitest';
import type { ActionId } from '../../model/ids.ts';
import type { Action, Plan } from '../../model/plan.ts';
import { ActionBackoff } from './backoff.ts';

const header = { observedAt: '2026-11-01T12:00:00Z', source: 'test' };
const refused =
  'Metal API requestIPReservation (POST /projects/p/ips) failed: 422: Metro zz is not a valid metro';

function reserve(id: string, metro = 'zz', rv = '7'): Action {
  return {
    id: id as ActionId,
    kind: 'metal.request',
    area: 'elastic-ips',
    operation: 'create',
    target: `reservation for Service default/${id}`,
    reason: `Service default/${id} needs an Elastic IP (resourceVersion ${rv})`,
    event: 'ElasticIPRequested',
    changes: [],
    dependsOn: [],
    request: {
      operation: 'requestIPReservation',
      method: 'POST',
      path: '/projects/p/ips',
      body: { metro },
    },
  };
}

const planOf = (...actions: Action[]): Plan => ({ header, actions, warnings: [] });
const fail = (id: string) => ({ id: id as ActionId, result: 'failed' as const, error: refused });
const waitingIds = (plan: Plan) => (plan.waiting ?? []).map((w) => w.action);

describe('ActionBackoff', () => {
  it('holds a failed action back 1 s, then 2, 4, … up to 5 min, with up to a quarter of jitter', () => {
    const retryIn = (random: number, failures: number): number[] => {
      const backoff = new ActionBackoff({ random: () => random });
      const plan = planOf(reserve('web'));
      const delays: number[] = [];
      for (let failure = 1, now = 0; failure <= failures; failure++) {
        backoff.record(plan, [fail('web')], now);
        const retryAt = Date.parse(backoff.hold(plan, now).waiting?.[0]?.retryAt ?? '');
        delays.push((retryAt - now) / 1000);
        now = retryAt;
      }
      return delays;
    };
    expect(retryIn(0, 12)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300]);
    expect(retryIn(0.8, 3)).toEqual([1.2, 2.4, 4.8]);
  });

  it('retries actions that failed together in one loop, none before its own time', () => {
    const jitters = [0, 0.5, 0.99];
    const backoff = new ActionBackoff({ random: () => jitters.shift() ?? 0 });
    const plan = planOf(reserve('a'), reserve('b'), reserve('c'));
    backoff.record(plan, [fail('a'), fail('b'), fail('c')], 0);
    expect(waitingIds(backoff.hold(plan, 1000))).toEqual(['b', 'c']);
    // The loop comes when the last of them is due: one loop for the three, not three.
    expect(backoff.nextRetry()).toBe(1250);
    expect(waitingIds(backoff.hold(plan, 1250))).toEqual([]);
  });

  it('marks the action waiting in the plan with its failures, retry time and last error', () => {
    const backoff = new ActionBackoff({ random: () => 0 });
    const plan = planOf(reserve('web'), reserve('api'));
    for (const now of [0, 1000, 3000]) backoff.record(plan, [fail('web')], now);
    const held = backoff.hold(plan, 5000);
    expect(held.waiting).toEqual([
      { action: 'web', failures: 3, retryAt: new Date(7000).toISOString(), lastError: refused },
    ]);
    expect(held.actions).toBe(plan.actions);
    // Due: no longer waiting, though its failures are remembered for the next wait.
    expect(backoff.hold(plan, 7000).waiting).toBeUndefined();
    backoff.record(plan, [fail('web')], 7000);
    expect(backoff.hold(plan, 7000).waiting?.[0]?.retryAt).toBe(new Date(15_000).toISOString());
  });

  it('forgets the failures on success, on a changed intent, or when the action leaves the plan', () => {
    const backoff = new ActionBackoff({ random: () => 0 });
    const both = planOf(reserve('web'), reserve('api'));
    backoff.record(both, [fail('web'), fail('api')], 0);
    expect(waitingIds(backoff.hold(both, 10))).toEqual(['web', 'api']);
    // The same intent planned against a newer resourceVersion still waits.
    expect(waitingIds(backoff.hold(planOf(reserve('web', 'zz', '8'), reserve('api')), 10))).toEqual(
      ['web', 'api'],
    );
    backoff.record(both, [{ id: 'web' as ActionId, result: 'applied' }], 20);
    expect(waitingIds(backoff.hold(both, 30))).toEqual(['api']);
    // The user fixed the metro: a new intent, tried at once.
    expect(waitingIds(backoff.hold(planOf(reserve('web'), reserve('api', 'da')), 40))).toEqual([]);
    backoff.record(both, [fail('api')], 50);
    expect(waitingIds(backoff.hold(planOf(reserve('web')), 60))).toEqual([]);
    expect(backoff.nextRetry()).toBeUndefined();
  });

  it('keeps the other actions backing off when held against a part of a plan', () => {
    const backoff = new ActionBackoff({ random: () => 0 });
    const both = planOf(reserve('web'), reserve('api'));
    backoff.record(both, [fail('web'), fail('api')], 0);
    expect(waitingIds(backoff.hold(planOf(reserve('web')), 10, true))).toEqual(['web']);
    expect(waitingIds(backoff.hold(both, 10))).toEqual(['web', 'api']);
  });

  it('lets an always refused action be sent at most 10 times in its first 10 minutes', () => {
    for (const jitter of [0, 0.5, 0.99]) {
      const backoff = new ActionBackoff({ random: () => jitter });
      const plan = planOf(reserve('web'));
      let attempts = 0;
      // A loop at every retry and every 30 s resync; only what is due is sent.
      for (
        let now = 0;
        now < 600_000;
        now = Math.min(backoff.nextRetry() ?? Infinity, now + 30_000)
      ) {
        if (waitingIds(backoff.hold(plan, now)).includes('web' as ActionId)) continue;
        attempts++;
        backoff.record(plan, [fail('web')], now);
      }
      expect(attempts, `jitter ${String(jitter)}`).toBeLessThanOrEqual(10);
      expect(attempts).toBeGreaterThanOrEqual(9);
    }
  });
});
