import { describe, expect, it } from 'vitest';
import { evidence } from './evidence.ts';

describe('soak evidence', () => {
  const year = new Date().getUTCFullYear();
  const at = (iso: string): number => Date.parse(`${String(year)}-${iso}Z`);
  const lines = [
    '--- run 1 of the daemon',
    'I1201 03:43:40.000000    1 reconciler.ts:203] "applying plan" trigger="change"',
    'I1201 03:43:45.100000    1 reconciler.ts:203] "applying plan" trigger="probe" plan=<',
    '\t  ! control-plane Elastic IP 100.64.20.1: failing, but no other control-plane node is healthy',
    '\t  + Service default/a',
    'W1201 03:43:46.000000    1 applier.ts:162] "action failed" target="control-plane EIP"',
    'W1201 03:43:46.500000    1 applier.ts:162] "action failed" target="Service default/a"',
    'I1201 03:43:47.000000    1 events.ts:12] "event recorded"',
    'I1201 03:44:30.000000    1 reconciler.ts:251] "plan applied" trigger="change"',
  ];

  it('keeps what tells of the control plane and the loops, inside the windows only', () => {
    expect(evidence(lines, [at('12-01T03:43:45.000')], 10_000)).toEqual([
      lines[2],
      lines[3],
      lines[5],
    ]);
  });

  it('keeps at most `max` lines, each cut short', () => {
    const long = `W1201 03:43:46.000000    1 applier.ts:162] "action failed" control-plane ${'x'.repeat(400)}`;
    const picked = evidence([long, long, long], [at('12-01T03:43:45.000')], 10_000, 2);
    expect(picked).toHaveLength(2);
    expect(picked[0]).toHaveLength(241);
  });

  it("dates a line by the year nearest the soak's windows (klog writes no year)", () => {
    const newYear = [
      'I1231 23:59:58.000000    1 reconciler.ts:203] "applying plan" trigger="probe"',
      'I0101 00:00:03.000000    1 reconciler.ts:203] "applying plan" trigger="probe"',
    ];
    expect(evidence(newYear, [Date.parse('2026-12-31T23:59:55Z')], 10_000)).toEqual(newYear);
    expect(evidence(newYear, [Date.parse('2027-01-01T00:00:00Z')], 10_000)).toEqual([newYear[1]]);
  });
});
