import { describe, expect, it } from 'vitest';
import { Sensitive } from '../../model/sensitive.ts';
import { Capture } from '../../test/support/fixture-plan.ts';
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
