import type { Desired } from '../../model/desired.ts';
import { events, type EventReason } from '../../model/marks/events.ts';
import type { Snapshot } from '../../model/snapshot.ts';
import { factsOf, type Facts } from '../facts/facts.ts';
import { apiServerTargetPort, eipPort, holderOf, kubeSystem, taggedEips } from './eip.ts';
import { mirrorServiceIntent, mirrorSliceIntent } from './mirror.ts';
import { placeEip } from './placement.ts';

/**
 * What the prober should look at: the EIP (with the device that holds it, so a move starts its
 * count afresh) and every control-plane node, on the EIP's port.
 */
export function probeTargets(
  snapshot: Snapshot,
  facts: Facts = factsOf(snapshot),
): { address: string; port: number; holder?: string }[] {
  const port = eipPort(snapshot);
  if (snapshot.settings.eipTag === '' || port === undefined) return [];
  const [eip, ...others] = taggedEips(snapshot);
  const holder = eip === undefined ? undefined : holderOf(eip);
  const nodes = [...new Set(facts.controlPlaneMembers.map((m) => m.address))];
  return [
    ...(eip?.address !== undefined && holder !== undefined && others.length === 0
      ? [{ address: eip.address, port, holder }]
      : []),
    ...nodes.map((address) => ({ address, port })),
  ];
}

const none: Desired = { objects: [], metal: [], warnings: [] };

function problem(eipTag: string, message: string, event: EventReason): Desired {
  const subject = `control-plane Elastic IP (tag ${eipTag})`;
  return {
    ...none,
    warnings: [{ area: 'control-plane', subject, message, regarding: kubeSystem, event }],
  };
}

/**
 * The control-plane Elastic IP (`eipTag`): on a healthy control-plane node, moved only after
 * `eipHealthCheckFailures` failed probes in a row and only to a node that is Ready and answers
 * `/healthz`; and `default/kubernetes` mirrored on it in kube-system. Exactly one reservation may
 * carry the tag; otherwise nothing moves.
 */
export function planControlPlane(snapshot: Snapshot, facts: Facts = factsOf(snapshot)): Desired {
  const { eipTag } = snapshot.settings;
  if (eipTag === '') return none;
  const tagged = taggedEips(snapshot);
  const [eip] = tagged;
  if (eip === undefined)
    return problem(
      eipTag,
      `no reservation in the project has the tag ${eipTag}; nothing done`,
      events.ControlPlaneElasticIPMissing,
    );
  if (tagged.length > 1)
    return problem(
      eipTag,
      `${String(tagged.length)} reservations have the tag ${eipTag} (${tagged.map((r) => r.address ?? r.id).join(', ')}); exactly one must, so nothing is moved`,
      events.ControlPlaneElasticIPAmbiguous,
    );
  if (eip.address === undefined || eip.state !== 'created')
    return problem(
      eipTag,
      `reservation ${eip.id} is ${eip.state}; waiting for it`,
      events.ControlPlaneElasticIPPending,
    );
  const targetPort = apiServerTargetPort(snapshot);
  const port = eipPort(snapshot);
  if (targetPort === undefined || port === undefined)
    return problem(
      eipTag,
      'default/kubernetes has no port (neither the Service nor its EndpointSlices); nothing done',
      events.ControlPlaneElasticIPNoPort,
    );
  const address = eip.address;
  const placement = placeEip(snapshot, facts.controlPlaneMembers, { ...eip, address }, port);
  return {
    objects: [mirrorServiceIntent(snapshot, address, port, targetPort)],
    applied: [mirrorSliceIntent(snapshot, facts.controlPlaneEndpoints, targetPort)],
    metal: placement.metal,
    warnings: placement.warnings,
  };
}
