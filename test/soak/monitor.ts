import type { ControlPlaneWorld } from '../support/control-plane-world.ts';

const unassigned = 'unassigned';

/**
 * Watches the control-plane Elastic IP while the driver runs: how long it stays off every healthy
 * node — on a holder whose /healthz fails, or on none — while a control-plane node is healthy and
 * the CCM is up (an "episode"). An episode that outlasts `boundMs` is a violation; one that ends
 * with the EIP moved from a failing node to a healthy one is a move.
 */
export class ControlPlaneMonitor {
  readonly #world: ControlPlaneWorld;
  readonly #ccmUp: () => boolean;
  readonly #boundMs: number;
  readonly #timer: NodeJS.Timeout;
  #episode: { holder: string; since: number; reported: boolean } | undefined;
  #lastHolder: string | undefined;
  readonly violations: string[] = [];
  /** When each reported episode began: the daemon's lines from then on tell why it lasted. */
  readonly reportedSince: number[] = [];
  /** Moves of the EIP from a failing node to a healthy one, and the longest episode before one. */
  moves = 0;
  longestMs = 0;

  constructor(world: ControlPlaneWorld, ccmUp: () => boolean, boundMs: number, everyMs = 100) {
    this.#world = world;
    this.#ccmUp = ccmUp;
    this.#boundMs = boundMs;
    this.#timer = setInterval(() => {
      this.#sample(Date.now());
    }, everyMs);
  }

  #healthy(device: string | undefined): boolean {
    return this.#world.standIns.some((s) => s.deviceId === device && s.healthy);
  }

  /** Whether the EIP on `holder` is off every healthy node while one exists and the CCM can act. */
  #misplaced(holder: string): boolean {
    if (this.#healthy(holder) || !this.#ccmUp()) return false;
    return this.#world.standIns.some((s) => s.deviceId !== holder && s.healthy);
  }

  #sample(now: number): void {
    const holder = this.#world.holder();
    const previous = this.#lastHolder;
    if (holder !== undefined && holder !== previous) {
      // A move counts even when it landed while the CCM was being killed.
      if (previous !== undefined && !this.#healthy(previous) && this.#healthy(holder)) this.moves++;
      this.#lastHolder = holder;
    }
    // Unassigned in the middle of a move, the EIP is still where the episode began.
    const effective = holder ?? this.#episode?.holder ?? unassigned;
    const episode = this.#episode;
    if (episode !== undefined && (effective !== episode.holder || !this.#misplaced(effective))) {
      if (holder !== undefined && holder !== episode.holder)
        this.longestMs = Math.max(this.longestMs, now - episode.since);
      this.#episode = undefined;
    }
    if (!this.#misplaced(effective)) return;
    this.#episode ??= { holder: effective, since: now, reported: false };
    const current = this.#episode;
    if (!current.reported && now - current.since > this.#boundMs) {
      current.reported = true;
      this.reportedSince.push(current.since);
      const name = this.#world.standIns.find((s) => s.deviceId === effective)?.name;
      this.violations.push(
        name === undefined
          ? `the control-plane EIP stayed unassigned for over ${String(this.#boundMs)} ms while a control-plane node was healthy`
          : `the control-plane EIP stayed on ${name} for over ${String(this.#boundMs)} ms after its /healthz failed, while another control-plane node was healthy`,
      );
    }
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
