import { describe, expect, it } from 'vitest';
import type { RecordedFailure } from '../../model/recorded-failures.ts';
import { fixturePlan } from '../../test/support/fixture-plan.ts';
import { withRecordedFailures } from './recorded-failures.ts';

const web = { apiVersion: 'v1', kind: 'Service', namespace: 'default', name: 'web' };
const note =
  'a LoadBalancer Service has no Elastic IP: Metal API requestIPReservation POST /projects/p/ips failed: 500';

describe('a live plan with the failures the CCM recorded', () => {
  it('warns of each planned action the CCM tried and failed: how often, when last, and why', async () => {
    const plan = await fixturePlan('lb-fresh');
    const failures: RecordedFailure[] = [
      {
        regarding: web,
        reason: 'ElasticIPRequestedFailed',
        note,
        count: 3,
        lastAt: '2026-11-01T11:58:00Z',
      },
      // An older failure of the same action: the last one is told.
      {
        regarding: web,
        reason: 'ElasticIPRequestedFailed',
        note: `${note} (older)`,
        count: 1,
        lastAt: '2026-11-01T11:00:00Z',
      },
      // Another object, another reason, another action's note: none of the plan's actions.
      {
        regarding: { ...web, name: 'gone' },
        reason: 'ElasticIPRequestedFailed',
        note,
        count: 1,
        lastAt: '2026-11-01T11:59:00Z',
      },
      {
        regarding: web,
        reason: 'ServiceUpdatedFailed',
        note,
        count: 1,
        lastAt: '2026-11-01T11:59:00Z',
      },
      {
        regarding: web,
        reason: 'ElasticIPRequestedFailed',
        note: 'something else: 500',
        count: 1,
        lastAt: '2026-11-01T11:59:30Z',
      },
    ];
    const told = withRecordedFailures(plan, failures);
    expect(told.actions).toEqual(plan.actions);
    expect(told.warnings.slice(plan.warnings.length)).toEqual([
      {
        area: 'elastic-ips',
        subject: 'Elastic IP for Service default/web',
        message: `the CCM tried this and failed 3 times, last at 2026-11-01T11:58:00Z: ${note}`,
      },
    ]);
  });

  it('is the plan itself when nothing failed', async () => {
    const plan = await fixturePlan('lb-fresh');
    expect(withRecordedFailures(plan, [])).toBe(plan);
  });
});
