import type { ActionId } from '../../model/ids.ts';
import type { Plan, Waiting } from '../../model/plan.ts';

/** The plan's waiting actions by id. */
export function waitingById(plan: Plan): ReadonlyMap<ActionId, Waiting> {
  return new Map((plan.waiting ?? []).map((w) => [w.action, w]));
}

/** Whole seconds until the retry (0 when due). */
export function retryInSeconds(waiting: Waiting, now: Date): number {
  return Math.max(0, Math.ceil((Date.parse(waiting.retryAt) - now.getTime()) / 1000));
}

/** `retry in 40s after 6 failures: Metal API requestIPReservation … failed: 422: …` */
export function describeWaiting(waiting: Waiting, now: Date): string {
  const failures = waiting.failures === 1 ? '1 failure' : `${String(waiting.failures)} failures`;
  return `retry in ${String(retryInSeconds(waiting, now))}s after ${failures}: ${waiting.lastError}`;
}
