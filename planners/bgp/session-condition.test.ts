import { describe, expect, it } from 'vitest';
import type { V1Node } from '@kubernetes/client-node';
import type { ObjectIntent } from '../../model/desired.ts';
import type { DeviceId } from '../../model/ids.ts';
import type { BgpSession, Device } from '../../model/metal.ts';
import {
  planSessionCondition,
  sessionCondition,
  withoutSessionCondition,
} from './session-condition.ts';

const device: Device = {
  id: 'd0000000-0000-4000-8000-000000000001' as DeviceId,
  hostname: 'worker-1',
  state: 'active',
  addresses: [],
  tags: [],
  bgpNeighbors: [
    {
      addressFamily: 4,
      customerAs: 65000,
      customerIp: '10.0.0.1',
      peerAs: 65530,
      peerIps: ['169.254.255.1', '169.254.255.2'],
      multihop: true,
    },
  ],
};
const session = (status?: string): BgpSession => ({
  id: 's1',
  deviceId: device.id,
  addressFamily: 'ipv4',
  ...(status === undefined ? {} : { states: status.split(',') as BgpSession['states'] }),
});
const node: V1Node = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'worker-1', resourceVersion: '7' },
  status: { conditions: [{ type: 'Ready', status: 'True' }] },
};

/** The conditions a planned Node status patch writes. */
function conditionsOf(intent: ObjectIntent | undefined) {
  const desired: V1Node | undefined = intent?.desired;
  return desired?.status?.conditions;
}

describe('the BGPSessionsEstablished condition', () => {
  it('is True when up on every switch, False naming the peers down, Unknown otherwise', () => {
    expect(sessionCondition(session('up,up'), device)).toMatchObject({
      status: 'True',
      reason: 'Established',
      message: 'IPv4 BGP session s1 of device worker-1: up: peer 169.254.255.1, peer 169.254.255.2',
    });
    expect(sessionCondition(session('up,down'), device)).toMatchObject({
      status: 'False',
      reason: 'SessionDown',
      message:
        'IPv4 BGP session s1 of device worker-1: down: peer 169.254.255.2; up: peer 169.254.255.1',
    });
    expect(sessionCondition(session('unknown,up'), device)).toMatchObject({
      status: 'Unknown',
      reason: 'StateUnknown',
    });
    // Three states and two peers: the switches are counted, not named.
    expect(sessionCondition(session('up,down,up'), device)?.message).toContain(
      'down: switch 2 of 3',
    );
    expect(sessionCondition(session(), device)).toBeUndefined();
  });

  it('is written on a transition only, keeping the kubelet’s conditions, and warns while down', () => {
    const down = planSessionCondition(node, device, session('up,down'), '2026-11-01T12:00:00Z');
    const written = conditionsOf(down.intent);
    expect(written?.map((c) => `${c.type}=${c.status}`)).toEqual([
      'Ready=True',
      'metal.equinix.com/BGPSessionsEstablished=False',
    ]);
    expect(down.warning?.event).toBe('BgpSessionDown');
    const after: V1Node = { ...(node as object), status: { conditions: written } };
    // The same state a loop later: nothing to write, and the warning stands (its Event is not repeated).
    const again = planSessionCondition(after, device, session('up,down'), '2026-11-01T12:00:30Z');
    expect(again.intent).toBeUndefined();
    expect(again.warning).toBeDefined();
    const up = planSessionCondition(after, device, session('up,up'), '2026-11-01T12:01:00Z');
    expect(up.warning).toBeUndefined();
    expect(conditionsOf(up.intent)?.[1]).toMatchObject({
      status: 'True',
      lastTransitionTime: '2026-11-01T12:01:00Z',
    });
  });

  it('is taken back from a Node that left the BGP node selector, the kubelet’s kept', () => {
    const down = planSessionCondition(node, device, session('up,down'), '2026-11-01T12:00:00Z');
    const after: V1Node = {
      ...(node as object),
      status: { conditions: conditionsOf(down.intent) },
    };
    expect(conditionsOf(withoutSessionCondition(after))?.map((c) => c.type)).toEqual(['Ready']);
    expect(withoutSessionCondition(node)).toBeUndefined();
  });
});
