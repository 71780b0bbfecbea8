import { areas, type Action, type Area, type Change, type Plan } from '../../model/plan.ts';
import { KnownAfterApply, mapLeaves } from '../../model/known-after-apply.ts';
import { isSensitive, sensitiveMarker } from '../../model/sensitive.ts';
import { ageSeconds, summaryLine } from './summary.ts';
import { stableJson } from './values.ts';
import { describeWaiting, waitingById } from './waiting.ts';

export const areaTitles: Record<Area, string> = {
  nodes: 'Nodes',
  bgp: 'BGP',
  'elastic-ips': 'Elastic IPs',
  'load-balancer': 'Load balancer',
  'control-plane': 'Control plane',
};

export const markers = { create: '+', update: '~', delete: '-' } as const;

function show(value: unknown): string {
  if (value === undefined) return '(none)';
  if (isSensitive(value)) return sensitiveMarker;
  if (value instanceof KnownAfterApply) return String(value);
  // Inside a list or an object, as a string: `[{"ip":"(known after apply)"}]`.
  return stableJson(mapLeaves(value, (v) => (v instanceof KnownAfterApply ? String(v) : v)));
}

function changeLines(change: Change): string[] {
  const { path, before, after } = change;
  if (before === undefined) return [`+ ${path}: ${show(after)}`];
  if (after === undefined) return [`- ${path}: ${show(before)}`];
  if (Array.isArray(before) && Array.isArray(after)) {
    const was = before.map(show);
    const now = after.map(show);
    return [
      `~ ${path}`,
      ...was.filter((v) => !now.includes(v)).map((v) => `    - ${v}`),
      ...now.filter((v) => !was.includes(v)).map((v) => `    + ${v}`),
      ...(was.every((v) => now.includes(v)) && now.every((v) => was.includes(v))
        ? ['    (same items, new order)']
        : []),
    ];
  }
  return [`~ ${path}: ${show(before)} -> ${show(after)}`];
}

/**
 * One action for people: its marker and target, its reason, why it waits (when it does: a line
 * from describeWaiting), then what changes.
 */
export function actionLines(action: Action, waiting?: string): string[] {
  const detail: string[] = waiting === undefined ? [] : [`# waiting: ${waiting}`];
  if (action.kind === 'metal.request') {
    const { method, path, body, operation } = action.request;
    detail.push(`${method} ${path}  (${operation})`);
    if (body !== undefined) detail.push(`body: ${show(body)}`);
  }
  for (const change of action.changes) detail.push(...changeLines(change));
  return [
    `  ${markers[action.operation]} ${action.target}`,
    `      # ${action.reason}`,
    ...detail.map((line) => `      ${line}`),
  ];
}

function header(plan: Plan, now: Date): string[] {
  const h = plan.header;
  const where =
    h.metro === undefined && h.facility === undefined
      ? '(unknown)'
      : [h.metro, h.facility === undefined ? undefined : `facility ${h.facility}`]
          .filter((s) => s !== undefined)
          .join(', ');
  return [
    'Equinix Metal CCM plan',
    `  cluster   ${h.cluster ?? '(unknown)'}`,
    `  project   ${h.project ?? '(unknown)'}`,
    `  metro     ${where}`,
    `  observed  ${h.observedAt} from ${h.source} (age ${ageSeconds(plan, now)}s)`,
  ];
}

/** The plan for people, in the manner of `terraform plan`. */
export function renderText(plan: Plan, now: Date): string {
  const lines = header(plan, now);
  if (plan.warnings.length > 0) {
    lines.push('', 'Warnings:');
    for (const w of plan.warnings) lines.push(`  ! ${w.subject}: ${w.message}  [${w.area}]`);
  }
  const waiting = waitingById(plan);
  for (const area of areas) {
    const inArea = plan.actions.filter((a) => a.area === area);
    if (inArea.length === 0) continue;
    lines.push('', `${areaTitles[area]}:`);
    for (const action of inArea) {
      const waits = waiting.get(action.id);
      lines.push(
        ...actionLines(action, waits === undefined ? undefined : describeWaiting(waits, now)),
      );
    }
  }
  lines.push('', summaryLine(plan));
  return `${lines.join('\n')}\n`;
}
