import { describe, expect, it } from 'vitest';
import { fixturePlan } from '../../test/support/fixture-plan.ts';
import { parseTarget, targetPlan, type Target } from './target.ts';

const targets = (...texts: string[]): Target[] =>
  texts.map((t) => {
    const parsed = parseTarget(t);
    if ('error' in parsed) throw new Error(parsed.error);
    return parsed;
  });

describe('--target', () => {
  it('parses an area or an object, and names what it expects otherwise', () => {
    expect(parseTarget('bgp')).toEqual({ area: 'bgp' });
    expect(parseTarget('Node/worker-1')).toEqual({ kind: 'Node', name: 'worker-1' });
    expect(parseTarget('Service/default/web')).toEqual({
      kind: 'Service',
      namespace: 'default',
      name: 'web',
    });
    expect(parseTarget('web')).toMatchObject({ error: expect.stringContaining('Kind/name') });
    expect(parseTarget('Service//web')).toHaveProperty('error');
  });

  it('keeps the actions of an area only', async () => {
    const plan = await fixturePlan('lb-fresh');
    const limited = targetPlan(plan, targets('bgp'));
    expect(limited.actions.map((a) => a.target)).toEqual(
      plan.actions.filter((a) => a.area === 'bgp').map((a) => a.target),
    );
    expect(limited.actions).toHaveLength(4);
  });

  it('keeps an object’s actions and everything they wait for, so the plan still applies', async () => {
    const plan = await fixturePlan('lb-fresh');
    const web = plan.actions.filter((a) => a.regarding?.name === 'web');
    expect(web.length).toBeGreaterThan(0);
    const limited = targetPlan(plan, targets('service/default/web'));
    const kept = new Set(limited.actions.map((a) => a.id));
    for (const a of web) expect(kept.has(a.id)).toBe(true);
    for (const a of limited.actions) for (const d of a.dependsOn) expect(kept.has(d)).toBe(true);
    expect(limited.actions.map((a) => a.target)).toEqual([
      'Elastic IP for Service default/web',
      'Service default/web', // its finalizer and address, known after apply of the request
      'Service default/web status',
    ]);
  });

  it('changes nothing without targets', async () => {
    const plan = await fixturePlan('lb-fresh');
    expect(targetPlan(plan, [])).toBe(plan);
  });
});
