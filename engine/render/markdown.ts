import { areas, type Plan } from '../../model/plan.ts';
import { summarise, summaryLine } from './summary.ts';
import { actionLines, areaTitles } from './text.ts';

/** A table cell: pipes and line breaks would end it. */
const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** A fence longer than any run of backticks in the text, so nothing inside can close it. */
function fenced(lines: readonly string[], language: string): string[] {
  const longest = Math.max(
    2,
    ...lines.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((r) => r.length))),
  );
  const fence = '`'.repeat(longest + 1);
  return [`${fence}${language}`, ...lines, fence];
}

function header(plan: Plan): string[] {
  const h = plan.header;
  const where = [h.metro, h.facility === undefined ? undefined : `facility ${h.facility}`]
    .filter((s) => s !== undefined)
    .join(', ');
  return [
    '| cluster | project | metro | observed |',
    '| --- | --- | --- | --- |',
    `| \`${h.cluster ?? '(unknown)'}\` | \`${h.project ?? '(unknown)'}\` | ${cell(where || '(unknown)')} | ${cell(`${h.observedAt} from ${h.source}`)} |`,
  ];
}

function areaTable(plan: Plan): string[] {
  const rows = areas.flatMap((area) => {
    const inArea = { ...plan, actions: plan.actions.filter((a) => a.area === area) };
    if (inArea.actions.length === 0) return [];
    const s = summarise(inArea);
    return [
      `| ${areaTitles[area]} | ${String(s.create)} | ${String(s.update)} | ${String(s.delete)} |`,
    ];
  });
  return rows.length === 0
    ? []
    : ['| area | to create | to change | to delete |', '| --- | ---: | ---: | ---: |', ...rows];
}

function warnings(plan: Plan): string[] {
  if (plan.warnings.length === 0) return [];
  return [
    `<details><summary>⚠️ ${String(plan.warnings.length)} warning${plan.warnings.length === 1 ? '' : 's'}</summary>`,
    '',
    ...plan.warnings.map((w) => `- **${cell(w.subject)}**: ${cell(w.message)} _(${w.area})_`),
    '',
    '</details>',
  ];
}

function areaSections(plan: Plan): string[] {
  return areas.flatMap((area) => {
    const inArea = plan.actions.filter((a) => a.area === area);
    if (inArea.length === 0) return [];
    const s = summaryLine({ ...plan, actions: inArea }).replace(/^Plan: /, '');
    // The marker first on its line, so a diff block colours creates and deletes.
    const lines = inArea.flatMap((a) => actionLines(a)).map((l) => l.replace(/^ {2}/, ''));
    return [
      `<details><summary><b>${areaTitles[area]}</b>: ${s}</summary>`,
      '',
      ...fenced(lines, 'diff'),
      '',
      '</details>',
      '',
    ];
  });
}

/**
 * The plan as a pull-request comment: the summary first, a table per area, the warnings and each
 * area's actions in collapsible sections (the text form inside, secrets masked as there).
 */
export function renderMarkdown(plan: Plan): string {
  const converged = plan.actions.length === 0;
  const blocks = [
    ['### Equinix Metal CCM plan'],
    [`**${converged ? '✅ ' : ''}${summaryLine(plan)}**`],
    header(plan),
    areaTable(plan),
    warnings(plan),
    areaSections(plan),
  ].filter((b) => b.length > 0);
  return `${blocks
    .map((b) => b.join('\n'))
    .join('\n\n')
    .trimEnd()}\n`;
}
