import type { Answer } from './answers.ts';
import type { FaultRule } from './faults.ts';
import type { EmulatorState } from './state.ts';

/** The world as other processes (benchmarks) read it. */
function stateAnswer({ world }: EmulatorState): Answer {
  return {
    status: 200,
    body: {
      devices: [...world.devices.values()],
      reservations: [...world.reservations.values()],
      sessions: world.sessions,
      bgp_config: world.bgpConfig,
    },
  };
}

/**
 * `/_emulator/…`: counters, faults, state and approvals over HTTP, for processes that cannot hold
 * the emulator object (benchmarks).
 */
export function control(state: EmulatorState, command: string, body: string): Answer {
  switch (command) {
    case 'GET /_emulator/counters':
      return { status: 200, body: Object.fromEntries(state.counters) };
    case 'POST /_emulator/counters/reset':
      state.counters.clear();
      return { status: 204 };
    case 'POST /_emulator/faults': {
      const { operation, fault } = JSON.parse(body) as { operation: string; fault: FaultRule };
      state.faults.inject(operation, fault);
      return { status: 204 };
    }
    case 'DELETE /_emulator/faults':
      state.faults.clear();
      return { status: 204 };
    case 'GET /_emulator/state':
      return stateAnswer(state);
  }
  const approve = /^POST \/_emulator\/approve\/([^/]+)$/.exec(command);
  if (approve) return { status: state.world.approve(approve[1] ?? '') ? 204 : 404 };
  const session = /^POST \/_emulator\/sessions\/([^/]+)\/status$/.exec(command);
  if (session) return { status: state.world.setSessionStatus(session[1] ?? '', body) ? 204 : 404 };
  return { status: 404, body: { error: 'no such control' } };
}
