import { describe, expect, it } from 'vitest';
import type { ActionId } from '../../model/ids.ts';
import type { Plan } from '../../model/plan.ts';
import { Sensitive } from '../../model/sensitive.ts';
import { renderDot } from './dot.ts';
import { renderMarkdown } from './markdown.ts';

const plan: Plan = {
  header: { observedAt: '2026-11-01T12:00:00Z', source: 'test' },
  warnings: [{ area: 'nodes', subject: 'Node a|b', message: 'one | two' }],
  actions: [
    {
      id: 'aaaaaaaaaaaa' as ActionId,
      kind: 'metal.request',
      area: 'bgp',
      operation: 'create',
      target: 'BGP of "project"',
      reason: 'a ``` fence inside',
      event: 'Test',
      dependsOn: [],
      changes: [],
      request: {
        operation: 'requestBgpConfig',
        method: 'POST',
        path: '/projects/p/bgp-configs',
        body: { md5: new Sensitive('Secret42Pass') },
      },
    },
    {
      id: 'bbbbbbbbbbbb' as ActionId,
      kind: 'metal.request',
      area: 'bgp',
      operation: 'create',
      target: 'BGP session of device d',
      reason: 'needs BGP',
      event: 'Test',
      dependsOn: ['aaaaaaaaaaaa' as ActionId],
      changes: [],
      request: { operation: 'createBgpSession', method: 'POST', path: '/devices/d/bgp/sessions' },
    },
  ],
};

describe('plans for review', () => {
  it('as markdown: table cells escaped, a fence no value can close, secrets masked', () => {
    const md = renderMarkdown(plan);
    expect(md).toContain('**Node a\\|b**: one \\| two');
    expect(md).toContain('````diff');
    expect(md).toContain('+ BGP of "project"');
    expect(md).not.toContain('Secret42Pass');
    expect(md).toContain('(sensitive)');
  });

  it('as a graph: quotes escaped, one edge per dependency', () => {
    const dot = renderDot(plan);
    expect(dot).toContain('"aaaaaaaaaaaa" [label = "+ BGP of \\"project\\""];');
    expect(dot).toContain('"aaaaaaaaaaaa" -> "bbbbbbbbbbbb";');
    expect(dot.match(/->/g)).toHaveLength(1);
  });
});
