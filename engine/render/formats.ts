import type { Plan } from '../../model/plan.ts';
import { renderDot } from './dot.ts';
import { renderJson } from './json.ts';
import { renderMarkdown } from './markdown.ts';
import { renderText } from './text.ts';

/** The forms a plan prints in: for people, programs, pull requests and graphs. */
export const outputFormats = ['text', 'json', 'markdown', 'dot'] as const;
export type OutputFormat = (typeof outputFormats)[number];

export function renderPlan(plan: Plan, format: OutputFormat, now: Date): string {
  switch (format) {
    case 'text':
      return renderText(plan, now);
    case 'json':
      return renderJson(plan, now);
    case 'markdown':
      return renderMarkdown(plan);
    case 'dot':
      return renderDot(plan);
  }
}
