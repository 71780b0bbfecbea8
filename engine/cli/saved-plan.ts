import { readFile } from 'node:fs/promises';
import { z } from '../../providers/zod.ts';
import type { Plan } from '../../model/plan.ts';
import type { Snapshot } from '../../model/snapshot.ts';
import { fingerprintOf, type Fingerprint } from '../observe/fingerprint.ts';
import { actionJson, planDocument } from '../render/json.ts';
import { stableJson } from '../render/values.ts';

/** Bumped when what a saved plan records changes meaning. */
const savedFormat = 'metal-ccm saved plan 1';

/** How the plan was made, so `apply` observes the same way before it compares. */
export interface PlanScope {
  readonly targets: readonly string[];
  readonly probes: boolean;
}

export interface SavedPlan extends PlanScope {
  readonly actions: readonly { readonly id: string; readonly target: string }[];
  readonly basis: Fingerprint;
  readonly path: string;
}

/**
 * The plan as `plan --out` writes it: the JSON plan (secrets masked as everywhere) and what it was
 * computed from. `apply` never sends what the file says: it plans again from a fresh observation
 * and applies only if the world and the actions are the same.
 */
export function savedPlanJson(plan: Plan, snapshot: Snapshot, scope: PlanScope, now: Date): string {
  const document = {
    ...planDocument(plan, now),
    saved: {
      format: savedFormat,
      basis: fingerprintOf(snapshot),
      targets: scope.targets,
      probes: scope.probes,
    },
  };
  return `${stableJson(document, 2)}\n`;
}

const record = z.record(z.string(), z.string());
const savedSchema = z.object({
  actions: z.array(z.looseObject({ id: z.string(), target: z.string() })),
  saved: z.object({
    format: z.literal(savedFormat),
    basis: z.object({ settings: z.string(), kubernetes: record, metal: record, probes: record }),
    targets: z.array(z.string()),
    probes: z.boolean(),
  }),
});

export async function readSavedPlan(path: string): Promise<SavedPlan> {
  let document: unknown;
  try {
    document = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path}: not a plan file (${error instanceof Error ? error.message : ''})`, {
      cause: error,
    });
  }
  const parsed = savedSchema.safeParse(document);
  if (!parsed.success)
    throw new Error(
      `${path}: not a plan saved by \`metal-ccm plan --out\` (${z.prettifyError(parsed.error).split('\n')[0] ?? ''})`,
    );
  const { actions, saved } = parsed.data;
  return { actions, basis: saved.basis, targets: saved.targets, probes: saved.probes, path };
}

/** The times a plan stamps on the conditions it writes: when it was made, not what it changes. */
const stamps = new Set(['lastTransitionTime', 'lastHeartbeatTime']);

/** Whether a JSON Patch operation sets a stamp alone (`/status/conditions/0/lastTransitionTime`). */
const setsStamp = (value: object): boolean =>
  'path' in value &&
  typeof value.path === 'string' &&
  stamps.has(value.path.split('/').at(-1) ?? '');

function withoutStamps(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutStamps);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !stamps.has(key) && !(key === 'value' && setsStamp(value)))
      .map(([key, v]) => [key, withoutStamps(v)]),
  );
}

/**
 * The action as compared: as JSON (a value known after apply, a secret, as the file has them),
 * without the stamps, which differ between any two plans.
 */
export const unstamped = (value: unknown): unknown =>
  withoutStamps(JSON.parse(JSON.stringify(value)) as unknown);

/** How the plan made now differs from the saved one, one line per action; none when the same. */
export function planDifferences(saved: SavedPlan, fresh: Plan): string[] {
  const now = new Map(fresh.actions.map((a) => [a.id as string, actionJson(a)]));
  const was = new Map(saved.actions.map((a) => [a.id, a]));
  const lines: string[] = [];
  for (const [id, action] of was) {
    const current = now.get(id);
    if (current === undefined) lines.push(`- ${action.target}: no longer planned`);
    else if (stableJson(unstamped(current)) !== stableJson(unstamped(action)))
      lines.push(`~ ${action.target}: planned differently now`);
  }
  for (const [id, action] of now)
    if (!was.has(id))
      lines.push(`+ ${String(action['target'])}: planned now, not in the saved plan`);
  return lines;
}
