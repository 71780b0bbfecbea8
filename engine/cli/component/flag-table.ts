import type { ComponentFlag } from './flag.ts';
import { controllerManagerFlags } from './flags-controller-manager.ts';
import { loggingFlags } from './flags-logging.ts';
import { servingFlags } from './flags-serving.ts';

export type { ComponentFlag, FlagKind } from './flag.ts';

/**
 * Every flag of the Kubernetes cloud-controller-manager (k8s.io/cloud-provider's `app` options, as
 * the upstream Equinix Metal CCM's `--help` lists them), so that any manifest written for it starts
 * this CCM. A flag without an `effect` is accepted and named at start as having none here.
 */
export const componentFlags: Readonly<Record<string, ComponentFlag>> = {
  ...controllerManagerFlags,
  ...servingFlags,
  ...loggingFlags,
};
