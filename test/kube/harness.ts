import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Agent, fetch } from 'undici';
import { parseAllDocuments } from 'yaml';
import { loadKubeConfig } from '../../providers/kubernetes/kubeconfig.ts';
import { KubeRest } from '../../providers/kubernetes/rest.ts';

const repo = join(import.meta.dirname, '..', '..');
export const crdDir = join(repo, '..', 'shared', 'crds', 'metallb', 'bases');

/** A client of the test API server as the identity of a kubeconfig the harness wrote. */
export function restFor(kubeconfig: string): KubeRest {
  return new KubeRest(loadKubeConfig({ kubeconfig, env: {} }));
}

/** Deletes an object whatever holds it (finalizers are stripped first); absent is fine. */
export async function forceDeleteWith(rest: KubeRest, path: string): Promise<void> {
  await rest
    .request({
      method: 'PATCH',
      path,
      body: { metadata: { finalizers: null } },
      contentType: 'application/merge-patch+json',
    })
    .catch(() => undefined);
  await rest.request({ method: 'DELETE', path }).catch(() => undefined);
}

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

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        resolve(typeof address === 'object' && address !== null ? address.port : 0);
      });
    });
  });
}

/** The folder with kube-apiserver and etcd, built (or found in the cache) by build-binaries.sh. */
export function binaries(): string {
  const script = join(repo, 'test', 'kube', 'build-binaries.sh');
  const found = spawnSync(script, ['--print-dir'], { encoding: 'utf8' });
  if (found.status === 0) return found.stdout.trim();
  process.stderr.write(
    'kube-apiserver and etcd are not built yet: building them (about ten minutes, once)\n',
  );
  const built = spawnSync(script, [], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (built.status !== 0) {
    throw new Error(`building the test binaries failed; run ${script} and read its output`);
  }
  return built.stdout.trim().split('\n').at(-1) ?? '';
}

function kubeconfig(server: string, ca: string, user: string, token: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: test`,
    `  cluster: {server: "${server}", certificate-authority: "${ca}"}`,
    'users:',
    `- name: ${user}`,
    `  user: {token: "${token}"}`,
    'contexts:',
    `- name: test`,
    `  context: {cluster: test, user: ${user}}`,
    'current-context: test',
    '',
  ].join('\n');
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
  env: KubeEnvironment | undefined;

  constructor(dir: string) {
    this.#dir = dir;
    this.#logs = join(repo, '.test-output', 'kube');
  }

  #start(name: string, binary: string, args: string[]): ChildProcess {
    const log = createWriteStream(join(this.#logs, `${name}.log`), { flags: 'a' });
    const child = spawn(join(this.#bin, binary), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    return child;
  }

  async start(): Promise<KubeEnvironment> {
    this.#bin = binaries();
    await rm(this.#dir, { recursive: true, force: true });
    await mkdir(join(this.#dir, 'certs'), { recursive: true });
    await mkdir(this.#logs, { recursive: true });
    const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];

    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await writeFile(join(this.#dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
    await writeFile(join(this.#dir, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const adminToken = randomBytes(24).toString('hex');
    const ccmToken = randomBytes(24).toString('hex');
    const plannerToken = randomBytes(24).toString('hex');
    await writeFile(
      join(this.#dir, 'tokens.csv'),
      [
        `${adminToken},admin,admin-uid,"system:masters"`,
        `${ccmToken},system:serviceaccount:kube-system:cloud-controller-manager,ccm-uid,"system:serviceaccounts,system:serviceaccounts:kube-system"`,
        // Someone who reviews plans: only the read-only access of deploy/template/planner.yaml.
        `${plannerToken},planner,planner-uid,"metal-ccm:planners"`,
        '',
      ].join('\n'),
    );

    this.#etcd = this.#start('etcd', 'etcd', [
      '--name=test',
      `--data-dir=${join(this.#dir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdPort}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdPort}`,
      `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-cluster=test=http://127.0.0.1:${peerPort}`,
      '--unsafe-no-fsync',
      '--log-level=warn',
    ]);
    const certDir = join(this.#dir, 'certs');
    this.#apiserverArgs = [
      `--etcd-servers=http://127.0.0.1:${etcdPort}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--cert-dir=${certDir}`,
      `--token-auth-file=${join(this.#dir, 'tokens.csv')}`,
      '--authorization-mode=RBAC',
      `--service-account-key-file=${join(this.#dir, 'sa.pub')}`,
      `--service-account-signing-key-file=${join(this.#dir, 'sa.key')}`,
      '--service-account-issuer=https://kubernetes.default.svc',
      '--service-cluster-ip-range=10.96.0.0/16',
      // The test decides the endpoints of default/kubernetes (and loopback is refused by the others).
      '--endpoint-reconciler-type=none',
      '--enable-priority-and-fairness=false',
    ];
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

  /** The manifests' RBAC (not the Deployment: the tests run the daemon themselves). */
  async #installManifests(): Promise<void> {
    const template = join(repo, 'deploy', 'template');
    await this.#applyFile(join(template, 'deployment.yaml'), (kind) => kind !== 'Deployment');
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
    for (const file of (await readdir(crdDir)).filter((f) => f.endsWith('.yaml')).sort()) {
      await this.#applyFile(join(crdDir, file));
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

  async stop(): Promise<void> {
    await stopProcess(this.#apiserver);
    await stopProcess(this.#etcd);
    await this.#insecure.close();
    if (existsSync(this.#dir)) await rm(this.#dir, { recursive: true, force: true });
  }
}

const plurals: Record<string, string> = {
  CustomResourceDefinition: 'customresourcedefinitions',
  ServiceAccount: 'serviceaccounts',
  ClusterRole: 'clusterroles',
  ClusterRoleBinding: 'clusterrolebindings',
  Role: 'roles',
  RoleBinding: 'rolebindings',
  Namespace: 'namespaces',
  Deployment: 'deployments',
  Secret: 'secrets',
};

export function collectionPath(
  apiVersion: string,
  kind: string,
  namespace: string | undefined,
): string {
  const plural = plurals[kind];
  if (plural === undefined) throw new Error(`the harness cannot create a ${kind}`);
  const group = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  return `${group}${namespace === undefined ? '' : `/namespaces/${namespace}`}/${plural}`;
}

async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
