import { resourcePath, resources } from './resources.ts';
import { isConflict, isNotFound } from './api-error.ts';
import type { KubeRest } from './rest.ts';

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

interface Lease {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec?: LeaseSpec;
}

export interface LeaderElectionOptions {
  readonly namespace: string;
  readonly name: string;
  /** This candidate's name in the Lease (`holderIdentity`). */
  readonly identity: string;
  readonly leaseDurationMs: number;
  /** A leader that could not renew for this long steps down. */
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  readonly onStartedLeading: () => void;
  readonly onStoppedLeading: () => void;
  /** Told after every attempt: the error that stopped it, or undefined when the Lease answered. */
  readonly onAttempt?: (error: unknown) => void;
  readonly log?: {
    info(object: object, message: string): void;
    warn(object: object, message: string): void;
  };
}

/** Lease times are MicroTime: RFC 3339 with microseconds. */
const microTime = (ms: number): string =>
  new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

/**
 * Leader election on a coordination.k8s.io Lease, in the manner of client-go: the leader renews
 * every retry period; a candidate takes the Lease once it has seen it unrenewed for its whole
 * duration (measured on its own clock, so clock skew between nodes does not matter); a leader that
 * cannot renew within the deadline stops leading at once; stopping releases the Lease.
 */
export class LeaderElector {
  readonly #rest: KubeRest;
  readonly #options: LeaderElectionOptions;
  #leader = false;
  #observed: { holder: string; renewTime: string; at: number } | undefined;
  #lastRenew = 0;
  readonly #stop = new AbortController();
  #running: Promise<void> | undefined;

  constructor(rest: KubeRest, options: LeaderElectionOptions) {
    this.#rest = rest;
    this.#options = options;
  }

  get isLeader(): boolean {
    return this.#leader;
  }

  get #path(): string {
    return resourcePath(resources.Lease, {
      namespace: this.#options.namespace,
      name: this.#options.name,
    });
  }

  start(): void {
    this.#running ??= this.#run();
  }

  /**
   * One attempt now (for a one-off writer such as `apply`): whether this candidate holds the Lease
   * after it, and who holds it otherwise. `start()` then keeps renewing it.
   */
  async tryAcquire(): Promise<{ readonly acquired: boolean; readonly holder: string }> {
    const acquired = await this.#tryAcquireOrRenew();
    if (acquired) {
      this.#lastRenew = Date.now();
      if (!this.#leader) this.#setLeader(true);
    }
    return { acquired, holder: this.#observed?.holder ?? '' };
  }

  /** Stops, and releases the Lease if held so another candidate takes over at once. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#running;
    if (this.#leader) {
      this.#setLeader(false);
      await this.#release().catch((error: unknown) => {
        this.#options.log?.warn({ err: String(error) }, 'could not release the lease');
      });
    }
  }

  async #run(): Promise<void> {
    while (!this.#stop.signal.aborted) {
      let held = false;
      let failure: unknown;
      try {
        held = await this.#tryAcquireOrRenew(this.#attemptSignal());
      } catch (error) {
        failure = error;
        this.#options.log?.warn({ err: String(error) }, 'lease not acquired or renewed');
      }
      this.#options.onAttempt?.(failure);
      const now = Date.now();
      if (held) {
        this.#lastRenew = now;
        if (!this.#leader) this.#setLeader(true);
      } else if (this.#leader && now - this.#lastRenew >= this.#options.renewDeadlineMs) {
        this.#setLeader(false);
      } else if (this.#leader && this.#observed?.holder !== this.#options.identity) {
        this.#setLeader(false); // somebody else holds it now
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.#options.retryPeriodMs);
        this.#stop.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /**
   * What ends an attempt: stopping, and for the leader its renew deadline (client-go's context of
   * RenewDeadline), so an API server that does not answer, or asks it to come back later, cannot
   * keep it leading past the deadline.
   */
  #attemptSignal(): AbortSignal {
    if (!this.#leader) return this.#stop.signal;
    const left = this.#lastRenew + this.#options.renewDeadlineMs - Date.now();
    return AbortSignal.any([this.#stop.signal, AbortSignal.timeout(Math.max(0, left))]);
  }

  #setLeader(leader: boolean): void {
    this.#leader = leader;
    this.#options.log?.info(
      { identity: this.#options.identity, lease: this.#options.name },
      leader ? 'became leader' : 'stopped leading',
    );
    if (leader) this.#options.onStartedLeading();
    else this.#options.onStoppedLeading();
  }

  async #tryAcquireOrRenew(signal?: AbortSignal): Promise<boolean> {
    const now = Date.now();
    const me = this.#options.identity;
    const durationSeconds = Math.ceil(this.#options.leaseDurationMs / 1000);
    let lease: Lease;
    try {
      lease = await this.#rest.request<Lease>({ method: 'GET', path: this.#path, signal });
    } catch (error) {
      if (!isNotFound(error)) throw error;
      return this.#write('POST', signal, {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: this.#options.name, namespace: this.#options.namespace },
        spec: {
          holderIdentity: me,
          leaseDurationSeconds: durationSeconds,
          acquireTime: microTime(now),
          renewTime: microTime(now),
          leaseTransitions: 0,
        },
      });
    }
    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const renewTime = spec.renewTime ?? '';
    if (this.#observed?.holder !== holder || this.#observed.renewTime !== renewTime) {
      this.#observed = { holder, renewTime, at: now };
    }
    const expired =
      this.#observed.at + (spec.leaseDurationSeconds ?? durationSeconds) * 1000 <= now;
    if (holder !== '' && holder !== me && !expired) return false;
    const taking = holder !== me;
    return this.#write('PUT', signal, {
      ...lease,
      spec: {
        holderIdentity: me,
        leaseDurationSeconds: durationSeconds,
        acquireTime: taking ? microTime(now) : (spec.acquireTime ?? microTime(now)),
        renewTime: microTime(now),
        leaseTransitions: (spec.leaseTransitions ?? 0) + (taking && holder !== '' ? 1 : 0),
      },
    });
  }

  async #write(
    method: 'POST' | 'PUT',
    signal: AbortSignal | undefined,
    lease: Lease,
  ): Promise<boolean> {
    try {
      const path =
        method === 'POST'
          ? resourcePath(resources.Lease, { namespace: this.#options.namespace })
          : this.#path;
      const written = await this.#rest.request<Lease>({ method, path, body: lease, signal });
      this.#observed = {
        holder: this.#options.identity,
        renewTime: written.spec?.renewTime ?? '',
        at: Date.now(),
      };
      return true;
    } catch (error) {
      if (isConflict(error)) return false; // another candidate wrote first
      throw error;
    }
  }

  async #release(): Promise<void> {
    const lease = await this.#rest.request<Lease>({ method: 'GET', path: this.#path });
    if (lease.spec?.holderIdentity !== this.#options.identity) return;
    const now = microTime(Date.now());
    await this.#rest.request({
      method: 'PUT',
      path: this.#path,
      body: {
        ...lease,
        spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now },
      },
    });
  }
}
