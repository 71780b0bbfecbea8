import type { Plan } from '../../model/plan.ts';

export interface PlanSummary {
  readonly create: number;
  readonly update: number;
  readonly delete: number;
}

export function summarise(plan: Plan): PlanSummary {
  const count = (op: string): number => plan.actions.filter((a) => a.operation === op).length;
  return { create: count('create'), update: count('update'), delete: count('delete') };
}

export function summaryLine(plan: Plan): string {
  if (plan.actions.length === 0) return 'No changes. Cluster is converged.';
  const s = summarise(plan);
  const waiting = plan.waiting?.length ?? 0;
  const held = waiting === 0 ? '' : ` ${String(waiting)} of them waiting to be retried.`;
  return `Plan: ${s.create} to create, ${s.update} to change, ${s.delete} to delete.${held}`;
}

/** Whole seconds between the observation and `now`. */
export function ageSeconds(plan: Plan, now: Date): number {
  return Math.max(0, Math.round((now.getTime() - Date.parse(plan.header.observedAt)) / 1000));
}
