import { freeze } from 'immer';
import type { Snapshot } from '../../model/snapshot.ts';

/** Freezes an observation deeply: planners get one immutable world. */
export function takeSnapshot(snapshot: Snapshot): Snapshot {
  return freeze(snapshot, true);
}
