import type { Sensitive } from './sensitive.ts';
import type { AssignmentId, DeviceId, ProjectId, ReservationId } from './ids.ts';

/** The Metal side as the planners see it: parsed, trimmed to what a CCM reads. */

export type DeviceState =
  | 'queued'
  | 'provisioning'
  | 'deprovisioning'
  | 'reinstalling'
  | 'active'
  | 'inactive'
  | 'failed'
  | 'powering_on'
  | 'powering_off'
  | 'deleted';

/** One address of a device (an `IPAssignment` of the API). */
export interface DeviceAddress {
  readonly address: string;
  readonly family: 4 | 6;
  readonly public: boolean;
  /** The device's own addresses; Elastic IPs assigned to it have management = false. */
  readonly management: boolean;
  readonly cidr: number;
  /** The block the address was carved from: for the private IPv4, the project's private network. */
  readonly parentBlock?: { readonly network: string; readonly cidr: number };
}

export interface BgpNeighbor {
  readonly addressFamily: 4 | 6;
  readonly customerAs: number;
  readonly customerIp: string;
  readonly peerAs: number;
  readonly peerIps: readonly string[];
  readonly multihop: boolean;
  readonly md5Password?: Sensitive;
}

export interface Device {
  readonly id: DeviceId;
  readonly hostname: string;
  readonly state: DeviceState;
  readonly planSlug?: string;
  readonly metro?: string;
  readonly facility?: string;
  readonly addresses: readonly DeviceAddress[];
  readonly tags: readonly string[];
  /** Undefined when the neighbours were not observed (not fetched yet). */
  readonly bgpNeighbors?: readonly BgpNeighbor[];
}

export interface Project {
  readonly id: ProjectId;
  readonly name: string;
}

export interface BgpConfig {
  /** Absent when BGP was never requested for the project (the API answers 200 with no id). */
  readonly id?: string;
  readonly status?: 'requested' | 'enabled' | 'disabled';
  readonly asn?: number;
  readonly deploymentType?: 'local' | 'global';
  readonly md5?: Sensitive;
}

/** A BGP session's state on one switch, as Metal reports it. */
export type BgpSessionState = 'up' | 'down' | 'unknown';

export interface BgpSession {
  readonly id: string;
  readonly deviceId: DeviceId;
  readonly addressFamily: 'ipv4' | 'ipv6';
  /**
   * One state per switch the device is connected to (Metal's `status`, e.g. "up,down"), in the
   * order Metal lists them; absent when Metal sent none.
   */
  readonly states?: readonly BgpSessionState[];
}

export type ReservationState = 'created' | 'pending' | 'denied';

export interface Assignment {
  readonly id: AssignmentId;
  readonly deviceId?: DeviceId;
}

export interface Reservation {
  readonly id: ReservationId;
  readonly type: string;
  readonly address?: string;
  readonly cidr?: number;
  readonly state: ReservationState;
  readonly tags: readonly string[];
  readonly assignments: readonly Assignment[];
  readonly metro?: string;
  readonly facility?: string;
}
