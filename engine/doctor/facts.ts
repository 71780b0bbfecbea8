import type { KubernetesState } from '../../model/snapshot.ts';
import type { BgpConfig, Device, Project, Reservation } from '../../model/metal.ts';
import type { Settings } from '../../model/settings.ts';
import type { Access, Verb } from '../../providers/kubernetes/access.ts';
import type { RateLimitReading } from '../../providers/metal/rate-limit.ts';
import type { Read } from './check.ts';

/** One verb of one access of the CCM's table, as the API server answered for this identity. */
export interface AccessAnswer {
  readonly access: Access;
  readonly verb: Verb;
  readonly namespace?: string;
  readonly allowed: boolean;
}

/** The leader-election Lease as read (undefined when it does not exist yet). */
export interface LeaseFacts {
  readonly namespace: string;
  readonly name: string;
  readonly holder?: string;
  /** Epoch ms of the last renewal. */
  readonly renewedAt?: number;
  readonly durationMs?: number;
}

/** What the Metal API answered, read with the configured key. */
export interface MetalFacts {
  readonly project: Project;
  readonly bgpConfig: BgpConfig;
  readonly devices: readonly Device[];
  readonly reservations: readonly Reservation[];
  readonly metros: readonly string[];
  readonly facilities: readonly string[];
  readonly rateLimit?: RateLimitReading;
}

/** Everything `doctor` observed, read-only, once: the checks are pure functions of it. */
export interface DoctorFacts {
  readonly settings: Settings;
  /** Epoch ms of the observation. */
  readonly now: number;
  readonly kubernetes: Read<KubernetesState>;
  readonly access: Read<readonly AccessAnswer[]>;
  readonly lease: Read<LeaseFacts>;
  /** The versions the API server serves of each metallb.io resource (MetalLB CRD mode only). */
  readonly metallbApi?: Read<ReadonlyMap<string, readonly string[]>>;
  readonly metal: Read<MetalFacts>;
}
