import { produce } from 'immer';
import type { V1Node, V1NodeCondition } from '@kubernetes/client-node';
import {
  withCondition,
  withoutCondition,
  type Condition,
  type StoredCondition,
} from '../../model/conditions.ts';
import type { ObjectIntent } from '../../model/desired.ts';
import { refOf } from '../../model/kubernetes.ts';
import { events } from '../../model/marks/events.ts';
import { nodeMarks } from '../../model/marks/node.ts';
import type { BgpSession, Device } from '../../model/metal.ts';
import type { Warning } from '../../model/plan.ts';

/**
 * The switches of a session by name: Metal's `status` has one state per switch, and a device's
 * neighbour lists one peer IP per switch; when the two counts agree the peers name the switches
 * (in Metal's order, which the API documents for neither), else they are "switch i of n".
 */
function switchNames(session: BgpSession, device: Device): string[] {
  const states = session.states ?? [];
  const peers = device.bgpNeighbors?.find((n) => n.addressFamily === 4)?.peerIps ?? [];
  return states.map((_, i) =>
    peers.length === states.length
      ? `peer ${peers[i] ?? ''}`
      : `switch ${String(i + 1)} of ${String(states.length)}`,
  );
}

/** The condition a session's states make: True when up on every switch, False when one is down. */
export function sessionCondition(session: BgpSession, device: Device): Condition | undefined {
  const states = session.states;
  if (states === undefined || states.length === 0) return undefined;
  const names = switchNames(session, device);
  const named = (state: string): string[] => names.filter((_, i) => states[i] === state);
  const [down, up, unknown] = [named('down'), named('up'), named('unknown')];
  const parts = [
    ...(down.length > 0 ? [`down: ${down.join(', ')}`] : []),
    ...(unknown.length > 0 ? [`unknown: ${unknown.join(', ')}`] : []),
    ...(up.length > 0 ? [`up: ${up.join(', ')}`] : []),
  ];
  // One state: one switch, nothing to tell apart.
  const said = states.length === 1 ? (states[0] ?? '') : parts.join('; ');
  const message = `IPv4 BGP session ${session.id} of device ${device.hostname}: ${said}`;
  const type = nodeMarks.bgpSessions.key;
  if (down.length > 0) return { type, status: 'False', reason: 'SessionDown', message };
  if (unknown.length > 0) return { type, status: 'Unknown', reason: 'StateUnknown', message };
  return { type, status: 'True', reason: 'Established', message };
}

/** A patch of the Node's conditions, when they change. */
function statusIntent(
  node: V1Node,
  conditions: readonly StoredCondition[] | undefined,
  reason: string,
): ObjectIntent | undefined {
  if (conditions === node.status?.conditions) return undefined;
  return {
    area: 'bgp',
    observed: node,
    desired: produce(node, (draft) => {
      draft.status ??= {};
      draft.status.conditions = conditions as V1NodeCondition[];
    }),
    reasons: [reason],
    event: events.BgpSessionsReported,
  };
}

/** The condition taken back from a Node that left the BGP node selector: no session is its now. */
export const withoutSessionCondition = (node: V1Node): ObjectIntent | undefined =>
  statusIntent(
    node,
    withoutCondition(node.status?.conditions, nodeMarks.bgpSessions.key),
    `${nodeMarks.bgpSessions.key} taken back: the Node left the BGP node selector`,
  );

/**
 * The Node's condition `metal.equinix.com/BGPSessionsEstablished`, written only when it changes,
 * and a warning (a Warning Event when it appears) while the session is down on a switch.
 */
export function planSessionCondition(
  node: V1Node,
  device: Device,
  session: BgpSession | undefined,
  time: string,
): { intent?: ObjectIntent; warning?: Warning } {
  const condition = session === undefined ? undefined : sessionCondition(session, device);
  if (condition === undefined) return {};
  const warning: Warning | undefined =
    condition.status === 'False'
      ? {
          area: 'bgp',
          subject: `Node ${node.metadata?.name ?? ''}`,
          message: condition.message,
          regarding: refOf(node),
          event: events.BgpSessionDown,
        }
      : undefined;
  const conditions = withCondition(node.status?.conditions, condition, time, true);
  const reason = `${condition.type} ${condition.status} (${condition.reason}): ${condition.message}`;
  const intent = statusIntent(node, conditions, reason);
  return {
    ...(intent === undefined ? {} : { intent }),
    ...(warning === undefined ? {} : { warning }),
  };
}
