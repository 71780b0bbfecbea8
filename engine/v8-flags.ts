import { setFlagsFromString } from 'node:v8';

/**
 * V8 favours a small heap over speed while the CCM waits: it grows the heap less between
 * collections and gives memory back sooner (measured idle: 113 → 102 MB of RSS at 20 nodes / 50
 * Services, 137 → 121 MB at 100 / 500). NODE_OPTIONS does not take this V8 flag, so main sets it
 * before the CLI's modules load; the planning benchmark runs with it too.
 */
export const v8Flags = '--optimize-for-size';

/** Set by main: the tests' own processes keep their flags. */
let smallHeapChosen = false;
/** Work under way (a control-plane move may apply beside a loop). */
let working = 0;

/** Main's choice: a small heap (v8Flags), given up only while the CCM works. */
export function favourSmallHeap(): void {
  setFlagsFromString(v8Flags);
  smallHeapChosen = true;
}

/**
 * Speed while the CCM works (a plan applies, a change is planned): V8 reads the flag as it collects,
 * so it can change while running. Keeping the small heap throughout, converging 1,000 nodes / 5,000
 * Services cost the daemon 30 s of CPU, half of it collecting garbage, and took 43 s; with speed
 * while working, 13 s of CPU and 31 s.
 */
export async function favouringSpeed<T>(work: () => Promise<T>): Promise<T> {
  if (!smallHeapChosen) return work();
  if (working++ === 0) setFlagsFromString('--no-optimize-for-size');
  try {
    return await work();
  } finally {
    if (--working === 0) setFlagsFromString(v8Flags);
  }
}
