import { setFlagsFromString } from 'node:v8';

/**
 * V8 favours a small heap over speed while the CCM waits: it grows the heap less between
 * collections and gives memory back sooner (measured idle: 113 → 102 MB of RSS at 20 nodes / 50
 * Services, 137 → 121 MB at 100 / 500). NODE_OPTIONS does not take this V8 flag, so main sets it
 * before the CLI's modules load; the planning benchmark runs with it too.
 */
export const v8Flags = '--optimize-for-size';

/**
 * Nodes and Services from which V8's optimizing compilers (Maglev, TurboFan) are worth their
 * memory. Below, the CCM runs on the interpreter and the baseline compiler: the optimizing ones held
 * 10 MB of RSS idle at 20 nodes / 50 Services (their code, what they allocate and what they make),
 * while a converged 100 / 500 planned in 3 ms without them (1.5 ms with). A fresh plan of 1,000 /
 * 5,000 took 1.4 s without them and 0.55 s with them.
 */
export const optimizingFrom = 1000;

/** Set by main: the tests' own processes keep their flags. */
let smallHeapChosen = false;
/** The optimizing compilers are on (main turns them off; a large cluster on again, for good). */
let optimizing = true;
/** Work under way (a control-plane move may apply beside a loop). */
let working = 0;

/** Main's choice: a small heap (v8Flags), given up only while the CCM works. */
export function favourSmallHeap(): void {
  setFlagsFromString(`${v8Flags} --no-maglev --no-turbofan`);
  smallHeapChosen = true;
  optimizing = false;
}

/**
 * The optimizing compilers once the cluster has `optimizingFrom` nodes and Services: told by the
 * daemon when its caches have synced (before the first Metal list is parsed) and by each loop, and
 * by a one-shot plan, apply or export once it has read Kubernetes. V8 reads these flags as functions
 * get hot. Not off again when the cluster shrinks: their code is resident by then.
 */
export function fitCompilersTo(cluster: {
  readonly nodes: readonly unknown[];
  readonly services: readonly unknown[];
}): void {
  if (optimizing || cluster.nodes.length + cluster.services.length < optimizingFrom) return;
  setFlagsFromString('--maglev --turbofan');
  optimizing = true;
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
