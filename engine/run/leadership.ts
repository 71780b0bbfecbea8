import { hostname } from 'node:os';
import { events } from '../../model/marks/events.ts';
import { randomUUID } from 'node:crypto';
import { LeaderElector } from '../../providers/kubernetes/leader.ts';
import { isForbidden } from '../../providers/kubernetes/api-error.ts';
import type { KubeRest } from '../../providers/kubernetes/rest.ts';
import type { Logger } from '../cli/logging.ts';
import type { EventReporter } from './events.ts';
import type { Metrics } from './metrics.ts';

export interface LeaderElectionSettings {
  readonly enabled: boolean;
  readonly namespace: string;
  readonly name: string;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
}

export interface LeadershipDeps {
  readonly rest: KubeRest;
  readonly election: LeaderElectionSettings;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly events: EventReporter;
  readonly onLead: () => void;
  readonly onStandby: () => void;
}

/**
 * Who leads: this process at once without leader election, else whoever holds the Lease. A Lease
 * the CCM may not read or write (401/403) is not a silent retry: it fails readiness (`problem`),
 * is logged as an error and leaves a Warning Event on the Lease, once per time it happens.
 */
export class Leadership {
  readonly #deps: LeadershipDeps;
  #elector: LeaderElector | undefined;
  /** Why the Lease cannot be used, when it is a matter of permissions. */
  problem: string | undefined;

  constructor(deps: LeadershipDeps) {
    this.#deps = deps;
  }

  get #lease(): string {
    return `${this.#deps.election.namespace}/${this.#deps.election.name}`;
  }

  start(): void {
    const { election, metrics } = this.#deps;
    if (!election.enabled) {
      metrics.leader.set({ name: election.name }, 1);
      this.#deps.onLead();
      return;
    }
    metrics.leader.set({ name: election.name }, 0);
    this.#elector = new LeaderElector(this.#deps.rest, {
      namespace: election.namespace,
      name: election.name,
      identity: `${hostname()}_${randomUUID()}`,
      leaseDurationMs: election.leaseDurationMs,
      renewDeadlineMs: election.renewDeadlineMs,
      retryPeriodMs: election.retryPeriodMs,
      log: this.#deps.log,
      onStartedLeading: () => {
        metrics.leader.set({ name: election.name }, 1);
        this.#deps.onLead();
      },
      onStoppedLeading: () => {
        metrics.leader.set({ name: election.name }, 0);
        this.#deps.onStandby();
      },
      onAttempt: (error) => {
        this.#attempted(error);
      },
    });
    this.#elector.start();
  }

  #attempted(error: unknown): void {
    if (!isForbidden(error)) {
      if (this.problem !== undefined)
        this.#deps.log.info({ lease: this.#lease }, 'the Lease can be used again');
      this.problem = undefined;
      return;
    }
    if (this.problem !== undefined) return;
    const cause = error instanceof Error ? error.message : String(error);
    this.problem = `the Lease ${this.#lease} cannot be read or written: ${cause}`;
    this.#deps.log.error(
      { lease: this.#lease, err: cause },
      `${this.problem}; grant the CCM get, create and update on it (see deploy/)`,
    );
    this.#deps.events.report([
      {
        regarding: {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          namespace: this.#deps.election.namespace,
          name: this.#deps.election.name,
        },
        type: 'Warning',
        reason: events.LeaderElectionForbidden,
        action: 'Elect',
        note: `${this.problem}; this replica cannot lead until its RBAC allows it`,
      },
    ]);
  }

  /** Stops taking part; releases the Lease if held. */
  async stop(): Promise<void> {
    const { election, metrics } = this.#deps;
    metrics.leader.set({ name: election.name }, 0);
    await this.#elector?.stop();
  }
}
