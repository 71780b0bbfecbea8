import { eventReasons, type EventReason } from '../../../model/marks/events.ts';
import type { Mark } from '../../../model/marks/mark.ts';
import { allMarks } from '../../../model/marks/registry.ts';

function markText(m: Mark): string {
  if (m.value === undefined) return `\`${m.key}\``;
  const separator = m.kind === 'tag' ? '=' : m.kind === 'field' ? ' = ' : ': ';
  return `\`${m.key}${separator}${m.value}\``;
}

/** The README's table of annotations, labels, taints, finalizers, tags and fields. */
export function marksTable(): string {
  const rows = allMarks.map(
    (m) =>
      `| ${m.on} | ${m.kind} | ${markText(m)} | ${m.use} | ${m.meaning}${
        m.option === undefined ? '' : ` (option \`${m.option}\`)`
      } |`,
  );
  return [
    '| on | kind | mark | read / written | meaning |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** The README's table of Event reasons. */
export function eventTable(): string {
  const rows = (
    Object.entries(eventReasons) as [EventReason, (typeof eventReasons)[EventReason]][]
  ).map(
    ([reason, spec]) =>
      `| \`${reason}\` | ${spec.type} | ${spec.on ?? '– (plan and log only)'} | ${spec.meaning} |`,
  );
  return [
    '| reason | type | on | when |',
    '| --- | --- | --- | --- |',
    ...rows,
    '| `<reason>Failed` | Warning | as its reason | an action failed; the note says why (a write that lost a race is planned again, not reported) |',
  ].join('\n');
}
