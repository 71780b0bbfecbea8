import { syntheticProject } from '../../emulator/synthetic.ts';
import type { KubeEnvironment } from '../kube/harness.ts';
import { controlPlaneToken, eipTag } from '../support/control-plane-world.ts';
import { spawnDaemon, type RunningDaemon } from '../support/daemon-process.ts';
import { loadBalancerUrls, soakSettings, type SoakRun } from './run.ts';

/** The CCM under test: started, SIGKILLed and started again; every line it ever wrote is kept. */
export class SoakCcm {
  readonly #kube: KubeEnvironment;
  readonly #metalUrl: string;
  readonly #run: SoakRun;
  readonly #outputs: (() => string)[] = [];
  #daemon: RunningDaemon | undefined;
  #up = false;
  kills = 0;
  /** Each time the daemon exited when nobody killed it: its exit and its last lines. */
  readonly crashes: string[] = [];

  constructor(kube: KubeEnvironment, metalUrl: string, run: SoakRun) {
    this.#kube = kube;
    this.#metalUrl = metalUrl;
    this.#run = run;
  }

  /** Running, with its caches synced. */
  get up(): boolean {
    return this.#up;
  }

  async start(): Promise<void> {
    this.#daemon = await spawnDaemon({
      kubeconfig: this.#kube.ccmKubeconfig,
      baseURL: this.#metalUrl,
      syncPeriod: `${String(soakSettings.syncSeconds)}s`,
      config: {
        apiKey: controlPlaneToken,
        projectID: syntheticProject,
        metro: 'da',
        loadbalancer: loadBalancerUrls[this.#run.loadBalancer],
        bgpPass: soakSettings.password,
        localASN: soakSettings.localAsn,
        eipTag,
        eipLimit: this.#run.eipLimit,
      },
      args: [
        `--eip-health-check-interval=${String(soakSettings.probeIntervalMs)}ms`,
        `--eip-health-check-failures=${String(soakSettings.probeFailures)}`,
      ],
    });
    const daemon = this.#daemon;
    this.#outputs.push(daemon.output);
    this.#up = true;
    daemon.process.once('exit', (code, signal) => {
      if (this.#daemon !== daemon) return; // killed on purpose
      this.#up = false;
      const last = daemon.output().trimEnd().split('\n').slice(-15).join('\n');
      this.crashes.push(
        `the daemon exited on its own (${signal ?? `code ${String(code)}`}); its last lines:\n${last}`,
      );
    });
  }

  /** SIGKILL: no clean-up of any kind, as when a node dies. */
  async kill(): Promise<void> {
    this.#up = false;
    const daemon = this.#daemon;
    this.#daemon = undefined;
    await daemon?.kill();
    this.kills++;
  }

  async stop(): Promise<void> {
    this.#up = false;
    const daemon = this.#daemon;
    this.#daemon = undefined;
    await daemon?.kill();
  }

  /** Every line of every run of the daemon. */
  lines(): string[] {
    return this.#outputs.flatMap((o) => o().split('\n'));
  }

  /** Every run's output, each under a header, for reading after a failure. */
  outputs(): string {
    return this.#outputs.map((o, i) => `--- run ${String(i + 1)} of the daemon\n${o()}`).join('\n');
  }
}
