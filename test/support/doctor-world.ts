import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/emulator.ts';
import { runCli } from '../../engine/cli/cli.ts';
import type { Check } from '../../engine/doctor/check.ts';
import { metalWorldSchema } from '../../providers/fixture/metal.ts';
import { resourcePath, resources } from '../../providers/kubernetes/resources.ts';
import { Capture } from './fixture-plan.ts';
import { admin, deleteEveryNode, forceDelete, kube } from './integration.ts';

export const doctorConfig = {
  apiKey: 'doctor-token-8c2f',
  projectID: '0f6b7b9e-2c1a-4e6f-9a57-3f0c1c0d6a11',
  metro: 'da',
  loadbalancer: 'kube-vip://',
};
/** The fixture's devices, each with a Node of its name started for an external provider. */
const devices = ['cp-1', 'worker-1', 'worker-2'];
export const uninitialized = {
  key: 'node.cloudprovider.kubernetes.io/uninitialized',
  value: 'true',
  effect: 'NoSchedule',
};
export const ccmLease = { namespace: 'kube-system', name: 'cloud-controller-manager' };

export interface DoctorRun {
  readonly code: number;
  readonly checks: readonly Check[];
  readonly text: string;
  check(name: string): Check;
}

/**
 * A cluster `doctor` finds healthy: the emulator seeded from fixtures/lb-fresh with the project's
 * BGP enabled, a Node per device; and `doctor` run in-process against it and the real API server.
 */
export class DoctorWorld {
  readonly emulator: Emulator;
  readonly #configPath: string;
  readonly #extraNodes: string[] = [];

  private constructor(emulator: Emulator, configPath: string) {
    this.emulator = emulator;
    this.#configPath = configPath;
  }

  static async start(): Promise<DoctorWorld> {
    const world = metalWorldSchema.parse(
      JSON.parse(await readFile('fixtures/lb-fresh/metal.json', 'utf8')),
    );
    const emulator = await startEmulator({ world, token: doctorConfig.apiKey });
    emulator.world.bgpConfig = {
      id: 'a4bcd1e2-0b1c-4d5e-8f90-123456789abc',
      status: 'enabled',
      asn: 65000,
      deployment_type: 'local',
      max_prefix: 10,
    };
    const configPath = join(await mkdtemp(join(tmpdir(), 'metal-ccm-doctor-')), 'cloud-sa.json');
    await writeFile(configPath, JSON.stringify(doctorConfig));
    const doctorWorld = new DoctorWorld(emulator, configPath);
    // The checks read the whole cluster: only this world's Nodes may be in it, and no Lease other
    // suites' daemons or applies left.
    await deleteEveryNode();
    await forceDelete(resourcePath(resources.Lease, ccmLease));
    for (const name of devices) await doctorWorld.#node(name, { taints: [uninitialized] });
    return doctorWorld;
  }

  /** `metal-ccm doctor --output json`: the exit code and the checks by name. */
  async run(options: { kubeconfig?: string; args?: string[]; file?: object } = {}) {
    const [stdout, stderr] = [new Capture(), new Capture()];
    const path = join(
      this.#configPath,
      '..',
      options.file === undefined ? 'cloud-sa.json' : 'other.json',
    );
    if (options.file !== undefined)
      await writeFile(path, JSON.stringify({ ...doctorConfig, ...options.file }));
    const code = await runCli(
      [
        'doctor',
        '--output=json',
        `--kubeconfig=${options.kubeconfig ?? kube().ccmKubeconfig}`,
        `--cloud-config=${path}`,
        `--base-url=${this.emulator.url}`,
        ...(options.args ?? []),
      ],
      { stdout, stderr, env: {} },
    );
    expect(stderr.text).toBe('');
    const { checks } = JSON.parse(stdout.text) as { checks: Check[] };
    const check = (name: string): Check => {
      const found = checks.find((c) => c.name === name);
      if (found === undefined) throw new Error(`no check ${name} in ${stdout.text}`);
      return found;
    };
    return { code, checks, check, text: stdout.text } satisfies DoctorRun;
  }

  get configPath(): string {
    return this.#configPath;
  }

  /** A Node a test adds (removed by `cleanUp`). */
  async addNode(name: string, spec: object): Promise<void> {
    this.#extraNodes.push(name);
    await this.#node(name, spec);
  }

  async #node(name: string, spec: object): Promise<void> {
    await admin().request({
      method: 'POST',
      path: resourcePath(resources.Node),
      body: { apiVersion: 'v1', kind: 'Node', metadata: { name }, spec },
    });
  }

  /** A reservation with `tag`, requested as a user would (through the API); its id. */
  async reserveTagged(tag: string): Promise<string> {
    const answer = await fetch(`${this.emulator.url}/projects/${doctorConfig.projectID}/ips`, {
      method: 'POST',
      headers: { 'X-Auth-Token': doctorConfig.apiKey, 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'public_ipv4', quantity: 1, metro: 'da', tags: [tag] }),
    });
    expect(answer.status).toBe(201);
    return ((await answer.json()) as { id: string }).id;
  }

  async release(id: string): Promise<void> {
    const answer = await fetch(`${this.emulator.url}/ips/${id}`, {
      method: 'DELETE',
      headers: { 'X-Auth-Token': doctorConfig.apiKey },
    });
    expect(answer.status).toBe(204);
  }

  /** After each test: its Nodes gone, no rate window, and no answer off the Metal API's spec. */
  async cleanUp(): Promise<void> {
    for (const name of this.#extraNodes.splice(0))
      await forceDelete(resourcePath(resources.Node, { name }));
    this.emulator.setRateWindow(undefined);
    expect(this.emulator.violations).toEqual([]);
  }

  async stop(): Promise<void> {
    await this.emulator.close();
    for (const name of devices) await forceDelete(resourcePath(resources.Node, { name }));
    await forceDelete(resourcePath(resources.Lease, ccmLease));
  }
}

/** A DoctorWorld for the tests of one file: started before them, cleaned up after each, stopped. */
export function useDoctorWorld(): () => DoctorWorld {
  let world: DoctorWorld | undefined;
  const current = (): DoctorWorld => {
    if (world === undefined) throw new Error('the doctor world is not started');
    return world;
  };
  beforeAll(async () => {
    world = await DoctorWorld.start();
  });
  afterEach(async () => {
    await current().cleanUp();
  });
  afterAll(async () => {
    await current().stop();
  });
  return current;
}
