import { guardedPatch, type Action, type Plan, type Waiting } from '../../model/plan.ts';
import { ageSeconds, summarise } from './summary.ts';
import { stableJson } from './values.ts';
import { retryInSeconds, waitingById } from './waiting.ts';

/** Bumped when a field is removed or changes meaning; adding fields keeps it. */
export const formatVersion = '1.0';

/** Only on an action that waits, so a plan without backoff reads as it always did. */
function waitingJson(waiting: Waiting | undefined, now: Date): Record<string, unknown> {
  if (waiting === undefined) return {};
  return {
    waiting: {
      failures: waiting.failures,
      retry_at: waiting.retryAt,
      retry_in_seconds: retryInSeconds(waiting, now),
      last_error: waiting.lastError,
    },
  };
}

/** One action as programs read it (and as a saved plan records it). */
export function actionJson(action: Action): Record<string, unknown> {
  const common = {
    id: action.id,
    area: action.area,
    operation: action.operation,
    kind: action.kind,
    target: action.target,
    reason: action.reason,
    depends_on: action.dependsOn,
    changes: action.changes,
  };
  switch (action.kind) {
    case 'kubernetes.patch':
      return {
        ...common,
        object: action.object,
        subresource: action.subresource ?? null,
        patch: guardedPatch(action),
      };
    case 'kubernetes.create':
    case 'kubernetes.apply':
      return { ...common, object: action.object, manifest: action.manifest };
    case 'kubernetes.delete':
      return { ...common, object: action.object, preconditions: action.guard };
    case 'metal.request':
      return { ...common, request: action.request };
  }
}

/** The plan as a JSON document: deterministic, with a stable id per action and its dependencies. */
export function planDocument(plan: Plan, now: Date): Record<string, unknown> {
  const waiting = waitingById(plan);
  return {
    format_version: formatVersion,
    header: {
      cluster: plan.header.cluster ?? null,
      project: plan.header.project ?? null,
      metro: plan.header.metro ?? null,
      facility: plan.header.facility ?? null,
      observed_at: plan.header.observedAt,
      source: plan.header.source,
      age_seconds: ageSeconds(plan, now),
    },
    summary: {
      ...summarise(plan),
      converged: plan.actions.length === 0,
      ...(plan.waiting?.length ? { waiting: plan.waiting.length } : {}),
    },
    warnings: plan.warnings,
    actions: plan.actions.map((a) => ({
      ...actionJson(a),
      ...waitingJson(waiting.get(a.id), now),
    })),
  };
}

/** The plan for programs. */
export function renderJson(plan: Plan, now: Date): string {
  return `${stableJson(planDocument(plan, now), 2)}\n`;
}
