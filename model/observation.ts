import type { DeviceId } from './ids.ts';
import type { MetalState, Problem } from './snapshot.ts';

/** What the Metal side is asked to read, derived from the Kubernetes side and the settings. */
export interface MetalNeeds {
  /** BGP neighbours are read only when a load balancer will use them. */
  readonly wantNeighbours: boolean;
  /** Devices Nodes name by provider ID: looked up even when the project's list lacks them. */
  readonly referencedDevices: readonly DeviceId[];
}

/** One read of the Metal project: its state (where the cluster lives comes separately). */
export interface MetalObservation {
  readonly state: Omit<MetalState, 'location'>;
  readonly problems: readonly Problem[];
}
