import type { V1Service } from '@kubernetes/client-node';
import type { Settings } from '../../model/settings.ts';
import { wantsElasticIp } from '../../planners/facts/services.ts';
import type { KubernetesState } from '../../model/snapshot.ts';
import type { HostMetadata } from '../../providers/metal/metadata.ts';

export interface Location {
  readonly metro?: string;
  readonly facility?: string;
  /** Where it came from: the settings, the host's metadata, or nowhere (yet). */
  readonly from: 'configuration' | 'metadata' | 'unknown';
}

/**
 * A Service of this CCM that names no address and no location of its own may need a reservation in
 * the cluster's location (whatever its status shows: an address left there by another controller
 * is no reservation of ours). A served Service names its address, so steady state reads nothing.
 */
function needsLocation(service: V1Service, settings: Settings): boolean {
  const annotations = service.metadata?.annotations ?? {};
  return (
    wantsElasticIp(service, settings.loadBalancerClass) &&
    (service.spec?.loadBalancerIP ?? '') === '' &&
    annotations[settings.annotations.eipMetro] === undefined &&
    annotations[settings.annotations.eipFacility] === undefined
  );
}

/** Whether some Service needs the cluster's metro or facility (only then is the host asked). */
export function locationNeeded(state: KubernetesState, settings: Settings): boolean {
  return (
    settings.loadBalancer.kind !== 'none' && state.services.some((s) => needsLocation(s, settings))
  );
}

/**
 * Where the cluster lives: the configured metro/facility; else, only when a Service needs it, what
 * the metadata service of the host says (read with a short timeout: a host that is not on Metal
 * does not answer, and that answer is kept for `retryAfterMs`); else nowhere, and each Service that
 * needs a location gets a Warning Event and waits (the Elastic IP planner says so).
 */
export class LocationSource {
  readonly #settings: Settings;
  readonly #readMetadata: (url: string) => Promise<HostMetadata>;
  readonly #retryAfterMs: number;
  #found: Location | undefined;
  #failedAt = Number.NEGATIVE_INFINITY;
  readonly #log: { warn(object: object, message: string): void } | undefined;
  /** Why the last read failed. */
  lastFailure: string | undefined;

  constructor(
    settings: Settings,
    readMetadata: (url: string) => Promise<HostMetadata>,
    log?: { warn(object: object, message: string): void },
    retryAfterMs = 300_000,
  ) {
    this.#settings = settings;
    this.#readMetadata = readMetadata;
    this.#log = log;
    this.#retryAfterMs = retryAfterMs;
    const { metro, facility } = settings;
    if (metro !== undefined || facility !== undefined)
      this.#found = {
        ...(metro === undefined ? {} : { metro }),
        ...(facility === undefined ? {} : { facility }),
        from: 'configuration',
      };
  }

  async current(needed: boolean, now = Date.now()): Promise<Location> {
    if (this.#found !== undefined) return this.#found;
    if (!needed || now - this.#failedAt < this.#retryAfterMs) return { from: 'unknown' };
    try {
      const read = await this.#readMetadata(this.#settings.metadataURL);
      if (read.metro === undefined && read.facility === undefined)
        throw new Error(
          `the metadata at ${this.#settings.metadataURL} names neither a metro nor a facility`,
        );
      this.#found = {
        ...(read.metro === undefined ? {} : { metro: read.metro }),
        ...(read.facility === undefined ? {} : { facility: read.facility }),
        from: 'metadata',
      };
      this.lastFailure = undefined;
      return this.#found;
    } catch (error) {
      this.#failedAt = now;
      this.lastFailure = error instanceof Error ? error.message : String(error);
      this.#log?.warn(
        { err: this.lastFailure },
        'no metro or facility is configured and the host’s metadata service did not say; Services that need one wait (set --metro)',
      );
      return { from: 'unknown' };
    }
  }
}
