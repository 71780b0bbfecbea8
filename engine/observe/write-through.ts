import type { MetalWriteAnswer } from '../../model/metal-writes.ts';
import type { MetalNeeds, MetalObservation } from '../../model/observation.ts';
import type { Problem } from '../../model/snapshot.ts';
import { fold, type MetalProjectState } from './fold.ts';
import { keepUnchanged } from './unchanged.ts';

/** How the Metal project is read: listed in full, or what a kept state lacks read by itself. */
export interface MetalReader {
  observe(needs: MetalNeeds): Promise<MetalObservation>;
  refresh(state: MetalProjectState, needs: MetalNeeds): Promise<MetalObservation>;
}

/** Why a loop lists the project in full instead of planning on the state kept. */
export type ListReason =
  | 'start'
  | 'resync'
  | 'older than the resync period'
  | 'a write failed'
  | 'an answer not folded'
  | 'the last read failed';

/** The Metal state a loop plans on, and why it was listed (absent when it was not). */
export interface CurrentMetal {
  readonly observation: MetalObservation;
  readonly listed?: ListReason;
}

interface Kept {
  readonly state: MetalProjectState;
  /** What the list could not use: told in every plan made from it. */
  readonly problems: readonly Problem[];
  readonly listedAt: number;
}

/**
 * The Metal project between full lists (write-through): the last complete list with the answers of
 * the CCM's own writes folded in, so a loop that a Kubernetes change started reads nothing from
 * Metal (but what the state lacks: a device a new Node names, a new session's neighbours). The
 * project is listed again on the resync, when the state is older than the resync period, after a
 * write that failed (its effect is unknown: a lost answer, a timeout) or whose answer does not say
 * what the project now is, and after a list that failed. A state kept counts as complete only
 * while the list it derives from was.
 */
export class WriteThroughMetal {
  readonly #reader: MetalReader;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  #kept: Kept | undefined;
  #relist: ListReason | undefined = 'start';

  constructor(reader: MetalReader, options: { maxAgeMs: number; now?: () => number }) {
    this.#reader = reader;
    this.#maxAgeMs = options.maxAgeMs;
    this.#now = options.now ?? Date.now;
  }

  /**
   * The state to plan on. `asked`: the loop is the first one of a leader (another may have written
   * meanwhile) or the periodic resync; both list.
   */
  async current(needs: MetalNeeds, asked?: 'start' | 'resync'): Promise<CurrentMetal> {
    const kept = this.#kept;
    if (kept === undefined || this.#relist !== undefined || asked !== undefined)
      return this.#list(needs, this.#relist ?? asked ?? 'start');
    if (this.#now() - kept.listedAt >= this.#maxAgeMs)
      return this.#list(needs, 'older than the resync period');
    let refreshed: MetalObservation;
    try {
      refreshed = await this.#reader.refresh(kept.state, needs);
    } catch (error) {
      this.#relist = 'the last read failed';
      throw error;
    }
    const state = keepUnchanged(kept.state, refreshed.state);
    // What it read is kept; a read that failed makes this plan incomplete, not the state.
    this.#kept = { ...kept, state: { ...state, complete: kept.state.complete } };
    return { observation: { state, problems: [...kept.problems, ...refreshed.problems] } };
  }

  async #list(needs: MetalNeeds, reason: ListReason): Promise<CurrentMetal> {
    const startedAt = this.#now();
    try {
      const listed = await this.#reader.observe(needs);
      // What did not change since the last list stays the same object (planners/settled.ts).
      const state = keepUnchanged(this.#kept?.state, listed.state);
      this.#kept = { state, problems: listed.problems, listedAt: startedAt };
      this.#relist = undefined;
      return { observation: { ...listed, state }, listed: reason };
    } catch (error) {
      this.#relist = 'the last read failed';
      throw error;
    }
  }

  /** The answers of the CCM's writes of a loop: folded in, or the next loop lists. */
  written(answers: readonly MetalWriteAnswer[]): void {
    for (const answer of answers) {
      const kept = this.#kept;
      const folded = kept === undefined ? undefined : fold(kept.state, answer);
      if (kept === undefined || folded === undefined) {
        this.#relist ??= 'an answer not folded';
        // Until the list, nothing may be taken for absent on the strength of this state.
        if (kept !== undefined) this.#kept = { ...kept, state: { ...kept.state, complete: false } };
        return;
      }
      this.#kept = { ...kept, state: folded };
    }
  }

  /** A write failed: whether it was carried out is unknown, so the next loop lists. */
  failed(): void {
    this.#relist ??= 'a write failed';
  }
}
