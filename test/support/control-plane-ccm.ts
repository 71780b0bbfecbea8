import { mirrorService } from '../../model/marks/control-plane.ts';
import { syntheticProject } from '../../emulator/synthetic.ts';
import { resourcePath, resources } from '../../providers/kubernetes/resources.ts';
import {
  controlPlaneToken,
  controlPlaneWorld,
  eipTag,
  type ControlPlaneWorld,
} from './control-plane-world.ts';
import type { KubeEnvironment } from '../kube/harness.ts';
import { spawnDaemon, type RunningDaemon } from './daemon-process.ts';
import { forceDeleteWith, restFor } from './kube-rest.ts';

/** How often the CCM probes by default, and the failed probes in a row that move the EIP. */
export const probeIntervalMs = 500;
export const probeFailures = 3;

export interface ControlPlaneCcm {
  readonly world: ControlPlaneWorld;
  readonly daemon: RunningDaemon;
  /** Stops the CCM and the world, and removes the mirror it left. */
  stop(): Promise<void>;
}

/**
 * The control-plane world on the test API server and a CCM keeping its EIP, as its identity or
 * through `kubeconfig` (a test proxy's), probing every `intervalMs`.
 */
export async function controlPlaneCcm(
  kube: KubeEnvironment,
  options: { kubeconfig?: string; intervalMs?: number } = {},
): Promise<ControlPlaneCcm> {
  const admin = restFor(kube.adminKubeconfig);
  const world = await controlPlaneWorld({
    admin,
    port: Number(new URL(kube.server).port),
    tls: kube.servingCertificate,
  });
  // A CCM that does not start leaves no world behind: the caller only stops what it was handed.
  const daemon = await spawnDaemon({
    kubeconfig: options.kubeconfig ?? kube.ccmKubeconfig,
    baseURL: world.emulator.url,
    config: { apiKey: controlPlaneToken, projectID: syntheticProject, metro: 'da', eipTag },
    args: [
      `--eip-health-check-interval=${String(options.intervalMs ?? probeIntervalMs)}ms`,
      `--eip-health-check-failures=${String(probeFailures)}`,
    ],
  }).catch(async (error: unknown) => {
    await world.close();
    throw error;
  });
  return {
    world,
    daemon,
    stop: async () => {
      await daemon.kill();
      await world.close();
      await forceDeleteWith(admin, resourcePath(resources.Service, mirrorService));
      await forceDeleteWith(admin, resourcePath(resources.EndpointSlice, mirrorService));
    },
  };
}
