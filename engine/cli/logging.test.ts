import { describe, expect, it } from 'vitest';
import { Sensitive } from '../../model/sensitive.ts';
import { Capture } from '../../test/support/fixture-plan.ts';
import { klogLine } from './klog.ts';
import { createLogger, levelForVerbosity } from './logging.ts';

function logged(object: object): Record<string, unknown> {
  const out = new Capture();
  createLogger(0, out).info(object, 'line');
  return JSON.parse(out.text) as Record<string, unknown>;
}

describe('logging', () => {
  it('maps --v to levels as upstream', () => {
    expect([0, 1, 2, 4, 5, 9].map(levelForVerbosity)).toEqual([
      'info',
      'info',
      'debug',
      'debug',
      'trace',
      'trace',
    ]);
  });

  it('masks secrets by configuration, at any depth, whatever the caller passes', () => {
    const line = logged({
      apiKey: 'tok',
      settings: { bgpPass: new Sensitive('pw'), apiKey: new Sensitive('tok') },
      node: {
        metadata: {
          annotations: {
            'metal.equinix.com/bgp-pass': 'cHc=',
            'metal.equinix.com/bgp-peers-3-bgp-pass': 'cHc=',
            other: 'kept',
          },
        },
      },
      headers: { 'X-Auth-Token': 'tok' },
      neighbours: [{ md5_password: 'pw' }],
    });
    const text = JSON.stringify(line);
    expect(text).not.toMatch(/"tok"|"pw"|cHc=/);
    expect(text).toContain('"other":"kept"');
  });

  it('keeps what an error says', () => {
    const line = logged({ err: Object.assign(new Error('it broke'), { status: 409 }) });
    expect(line['err']).toMatchObject({ type: 'Error', message: 'it broke', status: 409 });
  });
});

describe('the log formats', () => {
  it('writes klog’s text by default for the command: level letter, time, pid, source, message, key=value', () => {
    const out = new Capture();
    createLogger(0, out, 'text').warn({ trigger: 'change', actions: 3, ok: true }, 'applying plan');
    expect(out.text).toMatch(
      /^W\d{4} \d{2}:\d{2}:\d{2}\.\d{6} +\d+ logging\.test\.ts:\d+\] "applying plan" trigger="change" actions=3 ok=true\n$/,
    );
  });

  it('writes a value of several lines as klog does, and an error by its message', () => {
    const line = klogLine(
      JSON.stringify({
        level: 'error',
        ts: 1767323045.123456,
        caller: 'x.ts:9',
        msg: 'm',
        plan: 'a\nb\n',
        err: { type: 'Error', message: 'it "broke"', stack: 's' },
      }),
      42,
    );
    expect(line).toBe(
      'E0102 03:04:05.123456      42 x.ts:9] "m" plan=<\n\ta\n\tb\n > err="it \\"broke\\""\n',
    );
  });

  it('writes one JSON object per line with --logging-format=json: ts, level, caller, msg', () => {
    const out = new Capture();
    createLogger(2, out, 'json').debug({ operation: 'findProjectDevices' }, 'metal call');
    expect(JSON.parse(out.text)).toEqual({
      ts: expect.any(Number),
      level: 'debug',
      caller: expect.stringMatching(/^logging\.test\.ts:\d+$/),
      operation: 'findProjectDevices',
      msg: 'metal call',
    });
  });

  it('masks secrets in text as in JSON', () => {
    const out = new Capture();
    createLogger(0, out, 'text').info(
      {
        apiKey: 'tok-123',
        headers: { authorization: 'Bearer tok-456' },
        node: { annotations: { 'metal.equinix.com/bgp-pass': 'cHc=' } },
      },
      'line',
    );
    expect(out.text).not.toMatch(/tok-123|tok-456|cHc=/);
    expect(out.text).toContain('(sensitive)');
  });
});
