import type { SoakRun } from './run.ts';

/**
 * The soak runs of every `npm test` (CI included): fixed seeds, so a red run replays exactly with
 * `npm run soak -- --seed <seed> --load-balancer <mode> --eip-limit <n> --changes 150`. One run
 * hands the Elastic IPs to MetalLB's CRDs with no limit, the other to kube-vip under
 * `--eip-limit`. `npm run soak` itself takes a new seed each time, to find what these do not.
 */
export const ciRuns: readonly SoakRun[] = [
  { seed: 4711, loadBalancer: 'metallb-crds', eipLimit: 0 },
  { seed: 2718, loadBalancer: 'kube-vip', eipLimit: 4 },
];

/** The changes of one run in `npm test`: about 40 s each on our 2-core machines. */
export const ciChanges = 150;
