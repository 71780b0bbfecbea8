import type { ControlPlaneWorld } from '../support/control-plane-world.ts';

/**
 * Watches the control-plane Elastic IP while the driver runs: how long it stays on a holder whose
 * /healthz fails while another control-plane node is healthy (an "episode"), with the CCM up. An
 * episode that outlasts `boundMs` is a violation; one that ends because the EIP moved is a move.
 */
export class ControlPlaneMonitor {
  readonly #world: ControlPlaneWorld;
  readonly #ccmUp: () => boolean;
  readonly #boundMs: number;
  readonly #timer: NodeJS.Timeout;
  #episode: { holder: string; since: number; reported: boolean } | undefined;
  #lastHolder: string | undefined;
  readonly violations: string[] = [];
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

  /** Whether `device` fails while another control-plane node is healthy and the CCM can act. */
  #failing(device: string | undefined): boolean {
    if (device === undefined || this.#healthy(device) || !this.#ccmUp()) return false;
    return this.#world.standIns.some((s) => s.deviceId !== device && s.healthy);
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
    const effective = holder ?? this.#episode?.holder;
    const episode = this.#episode;
    if (episode !== undefined && (effective !== episode.holder || !this.#failing(effective))) {
      if (holder !== undefined && holder !== episode.holder)
        this.longestMs = Math.max(this.longestMs, now - episode.since);
      this.#episode = undefined;
    }
    if (effective === undefined || !this.#failing(effective)) return;
    this.#episode ??= { holder: effective, since: now, reported: false };
    const current = this.#episode;
    if (!current.reported && now - current.since > this.#boundMs) {
      current.reported = true;
      const name = this.#world.standIns.find((s) => s.deviceId === effective)?.name ?? effective;
      this.violations.push(
        `the control-plane EIP stayed on ${name} for over ${String(this.#boundMs)} ms after its /healthz failed, while another control-plane node was healthy`,
      );
    }
  }

  /** Whether the EIP is on a healthy node now (for a driver waiting on a move). */
  settled(): boolean {
    return this.#healthy(this.#world.holder());
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
