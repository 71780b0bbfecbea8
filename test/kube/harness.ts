import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Agent, fetch } from 'undici';
import { parseAllDocuments } from 'yaml';
import { collectionPath } from '../support/kube-rest.ts';
import { apiserverArgs, etcdArgs, freePort, kubeconfig, writeCredentials } from './config.ts';
import { binaries, metallbCrds } from './tools.ts';

const repo = join(import.meta.dirname, '..', '..');

/** Where a test finds the API server (provided to the tests by the global setup). */
export interface KubeEnvironment {
  readonly server: string;
  /** Full access, for arranging and inspecting the world. */
  readonly adminKubeconfig: string;
  /** The CCM's identity, bound only to the RBAC of deploy/template/deployment.yaml. */
  readonly ccmKubeconfig: string;
  /** As someone in the group metal-ccm:planners (read-only, deploy/template/planner.yaml). */
  readonly plannerKubeconfig: string;
  readonly adminToken: string;
  /** kube-apiserver's self-signed serving certificate and key: stand-ins of control-plane nodes use it. */
  readonly servingCertificate: { readonly cert: string; readonly key: string };
  /** POST /restart-apiserver here restarts kube-apiserver (etcd keeps the data). */
  readonly controlUrl: string;
}

/**
 * A real etcd and kube-apiserver on free loopback ports with generated credentials, for the
 * integration tests. Their logs stay in `.test-output/kube/` for reading after a failure.
 */
export class KubeHarness {
  readonly #dir: string;
  readonly #logs: string;
  #etcd: ChildProcess | undefined;
  #apiserver: ChildProcess | undefined;
  #apiserverArgs: string[] = [];
  #bin = '';
  #insecure = new Agent({ connect: { rejectUnauthorized: false } });
  readonly #crds: string | undefined;
  env: KubeEnvironment | undefined;

  /** `crds`: a folder of CRDs to install instead of MetalLB's (tests of the harness use it). */
  constructor(dir: string, options: { crds?: string } = {}) {
    this.#dir = dir;
    this.#logs = join(repo, '.test-output', 'kube');
    this.#crds = options.crds;
  }

  /** The processes started (running or not), for checking that a failed start leaves none. */
  get processes(): readonly ChildProcess[] {
    return [this.#etcd, this.#apiserver].filter((p) => p !== undefined);
  }

  #start(name: string, binary: string, args: string[]): ChildProcess {
    const log = createWriteStream(join(this.#logs, `${name}.log`), { flags: 'a' });
    const child = spawn(join(this.#bin, binary), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    return child;
  }

  /** Starts both; when any step fails, stops whatever it started before passing the error on. */
  async start(): Promise<KubeEnvironment> {
    try {
      return await this.#startAll();
    } catch (error) {
      await this.#stopProcesses();
      throw error;
    }
  }

  async #startAll(): Promise<KubeEnvironment> {
    this.#bin = binaries();
    await rm(this.#dir, { recursive: true, force: true });
    await mkdir(this.#logs, { recursive: true });
    const { adminToken, ccmToken, plannerToken, certDir } = await writeCredentials(this.#dir);
    const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    this.#etcd = this.#start('etcd', 'etcd', etcdArgs(this.#dir, etcdPort, peerPort));
    this.#apiserverArgs = apiserverArgs(this.#dir, etcdPort, apiPort);
    this.#apiserver = this.#start('kube-apiserver', 'kube-apiserver', this.#apiserverArgs);
    const server = `https://127.0.0.1:${apiPort}`;
    await this.#waitReady(server, adminToken);

    const ca = join(certDir, 'apiserver.crt');
    const adminKubeconfig = join(this.#dir, 'admin.kubeconfig');
    const ccmKubeconfig = join(this.#dir, 'ccm.kubeconfig');
    const plannerKubeconfig = join(this.#dir, 'planner.kubeconfig');
    await writeFile(adminKubeconfig, kubeconfig(server, ca, 'admin', adminToken));
    await writeFile(ccmKubeconfig, kubeconfig(server, ca, 'metal-ccm', ccmToken));
    await writeFile(plannerKubeconfig, kubeconfig(server, ca, 'planner', plannerToken));
    this.env = {
      server,
      adminKubeconfig,
      ccmKubeconfig,
      plannerKubeconfig,
      adminToken,
      servingCertificate: { cert: ca, key: join(certDir, 'apiserver.key') },
      controlUrl: '',
    };
    await this.#installCrds();
    await this.#installManifests();
    return this.env;
  }

  /**
   * The manifests' RBAC (not the Deployment: the tests run the daemon themselves; nor the admission
   * policy, which would refuse what tests make on purpose: its own test installs it).
   */
  async #installManifests(): Promise<void> {
    const template = join(repo, 'deploy', 'template');
    await this.#applyFile(
      join(template, 'deployment.yaml'),
      (kind) => kind !== 'Deployment' && !admissionKinds.has(kind),
    );
    // MetalLB's namespace is MetalLB's to make; here it stands in for an installed MetalLB.
    await this.admin('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'metallb-system' },
    });
    await this.#applyFile(join(template, 'metallb.yaml'));
    await this.#applyFile(join(template, 'planner.yaml'));
  }

  /** Sends a request as admin, for setting up. */
  async admin(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }> {
    if (this.env === undefined) throw new Error('the harness is not started');
    const response = await fetch(`${this.env.server}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.env.adminToken}`,
        'content-type': 'application/json',
      },
      dispatcher: this.#insecure,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text === '' ? undefined : (JSON.parse(text) as unknown),
    };
  }

  async #waitReady(server: string, token: string): Promise<void> {
    const deadline = Date.now() + 60_000;
    let last = '';
    while (Date.now() < deadline) {
      if (this.#apiserver?.exitCode != null) {
        throw new Error(
          `kube-apiserver exited (${this.#apiserver.exitCode}); see ${join(this.#logs, 'kube-apiserver.log')}`,
        );
      }
      try {
        const ready = await fetch(`${server}/readyz`, {
          headers: { authorization: `Bearer ${token}` },
          dispatcher: this.#insecure,
        });
        const namespace = await fetch(`${server}/api/v1/namespaces/default`, {
          headers: { authorization: `Bearer ${token}` },
          dispatcher: this.#insecure,
        });
        if (ready.status === 200 && namespace.status === 200) return;
        last = `readyz ${ready.status}, default namespace ${namespace.status}`;
      } catch (error) {
        last = String(error);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`kube-apiserver was not ready within 60 s (${last}); see ${this.#logs}`);
  }

  async #installCrds(): Promise<void> {
    const folder = this.#crds ?? metallbCrds();
    for (const file of (await readdir(folder)).filter((f) => f.endsWith('.yaml')).sort()) {
      await this.#applyFile(join(folder, file));
    }
    const deadline = Date.now() + 30_000;
    for (const plural of ['ipaddresspools', 'bgppeers', 'bgpadvertisements']) {
      while (Date.now() < deadline) {
        const answer = await this.admin(
          'GET',
          `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${plural}.metallb.io`,
        );
        const conditions =
          (answer.body as { status?: { conditions?: { type: string; status: string }[] } }).status
            ?.conditions ?? [];
        if (conditions.some((c) => c.type === 'Established' && c.status === 'True')) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  /** Creates every object of a YAML file (as admin); those that exist already are left. */
  async #applyFile(file: string, keep: (kind: string) => boolean = () => true): Promise<void> {
    for (const doc of parseAllDocuments(await readFile(file, 'utf8'))) {
      const object = doc.toJS() as {
        apiVersion: string;
        kind: string;
        metadata: { name: string; namespace?: string };
      } | null;
      if (object === null || !keep(object.kind)) continue;
      const path = collectionPath(object.apiVersion, object.kind, object.metadata.namespace);
      const answer = await this.admin('POST', path, object);
      if (answer.status >= 300 && answer.status !== 409) {
        throw new Error(
          `creating ${object.kind} ${object.metadata.name} from ${file} failed: ${answer.status} ${JSON.stringify(answer.body)}`,
        );
      }
    }
  }

  /** Stops kube-apiserver and starts it again on the same port; etcd keeps every object. */
  async restartApiserver(): Promise<void> {
    await stopProcess(this.#apiserver);
    this.#apiserver = this.#start('kube-apiserver', 'kube-apiserver', this.#apiserverArgs);
    if (this.env !== undefined) await this.#waitReady(this.env.server, this.env.adminToken);
  }

  async #stopProcesses(): Promise<void> {
    await stopProcess(this.#apiserver);
    await stopProcess(this.#etcd);
  }

  async stop(): Promise<void> {
    await this.#stopProcesses();
    await this.#insecure.close();
    if (existsSync(this.#dir)) await rm(this.#dir, { recursive: true, force: true });
  }
}

/** The admission policy of deploy/ and its binding. */
export const admissionKinds: ReadonlySet<string> = new Set([
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
]);

async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
