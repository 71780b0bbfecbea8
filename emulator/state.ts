import type { Conformance } from './conformance.ts';
import type { Faults } from './faults.ts';
import type { RateWindow } from './rate-window.ts';
import type { EipRouting } from './routing.ts';
import type { EmulatorWorld } from './world.ts';

/** What a running emulator holds besides its server: the world and what it counts and checks. */
export interface EmulatorState {
  readonly world: EmulatorWorld;
  /** The only X-Auth-Token accepted (a test rotates it). */
  token: string;
  readonly faults: Faults;
  /** Requests per operationId. */
  readonly counters: Map<string, number>;
  /** Conformance failures, and handlers that threw. */
  readonly violations: string[];
  readonly conformance: Conformance | undefined;
  readonly routing: EipRouting | undefined;
  /** The `X-RateLimit-*` headers of every answer, once a test sets a window. */
  readonly rateWindow: RateWindow;
}

export function count(state: EmulatorState, operation: string): void {
  state.counters.set(operation, (state.counters.get(operation) ?? 0) + 1);
}
