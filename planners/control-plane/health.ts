import { isNodeReady } from '../../model/kubernetes.ts';
import type { ProbeResult, Snapshot } from '../../model/snapshot.ts';
import type { ControlPlaneMember } from '../facts/control-plane-members.ts';

/** What the prober last saw of an address (and, for the EIP, of the device that held it). */
export const probeOf = (
  snapshot: Snapshot,
  address: string,
  port: number,
  holder?: string,
): ProbeResult | undefined =>
  snapshot.probes.find((p) => p.address === address && p.port === port && p.holder === holder);

/** Healthy enough to hold the EIP: its Node is Ready and its own `/healthz` answered 200 last. */
export function healthy(snapshot: Snapshot, member: ControlPlaneMember, port: number): boolean {
  return (
    member.device !== undefined &&
    member.node !== undefined &&
    isNodeReady(member.node) &&
    probeOf(snapshot, member.address, port)?.ok === true
  );
}

export function describeProbe(probe: ProbeResult | undefined): string {
  if (probe === undefined) return 'not probed yet';
  return probe.ok
    ? 'answers 200'
    : `${String(probe.consecutiveFailures)} failed ${probe.consecutiveFailures === 1 ? 'probe' : 'probes in a row'}: ${probe.error ?? `status ${String(probe.status)}`}`;
}

/** Every member's last probe, for a warning that no node is healthy. */
export function describeMembers(
  snapshot: Snapshot,
  members: readonly ControlPlaneMember[],
  port: number,
): string {
  const states = members
    .map(
      (m) =>
        `${m.node?.metadata?.name ?? m.address}: ${describeProbe(probeOf(snapshot, m.address, port))}`,
    )
    .join('; ');
  return states || 'no endpoints of default/kubernetes';
}
