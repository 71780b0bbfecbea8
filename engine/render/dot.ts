import { areas, type Plan } from '../../model/plan.ts';
import { areaTitles, markers } from './text.ts';

/** A DOT string literal. */
const quoted = (text: string): string =>
  `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;

/**
 * The actions and what each waits for, as a Graphviz graph (like `terraform graph`): one cluster
 * per area, an edge from each action to the actions that wait for it. `dot -Tsvg` draws it.
 */
export function renderDot(plan: Plan): string {
  const lines = [
    'digraph plan {',
    '  rankdir = "LR";',
    '  node [shape = "box", fontname = "monospace"];',
  ];
  for (const area of areas) {
    const inArea = plan.actions.filter((a) => a.area === area);
    if (inArea.length === 0) continue;
    lines.push(
      `  subgraph ${quoted(`cluster_${area}`)} {`,
      `    label = ${quoted(areaTitles[area])};`,
    );
    for (const a of inArea)
      lines.push(`    ${quoted(a.id)} [label = ${quoted(`${markers[a.operation]} ${a.target}`)}];`);
    lines.push('  }');
  }
  for (const a of plan.actions)
    for (const d of a.dependsOn) lines.push(`  ${quoted(d)} -> ${quoted(a.id)};`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
