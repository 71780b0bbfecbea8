import type { ObjectRef } from './kubernetes.ts';

/**
 * A Warning Event the CCM left when one of its actions failed (`<reason>Failed`): what a plan of
 * the live cluster tells of an action the daemon keeps trying.
 */
export interface RecordedFailure {
  readonly regarding: ObjectRef;
  readonly reason: string;
  readonly note: string;
  /** How many times it happened (the Event's series). */
  readonly count: number;
  /** When it last happened, ISO 8601. */
  readonly lastAt: string;
}
