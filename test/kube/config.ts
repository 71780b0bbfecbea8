import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';

// What the harness writes and passes to etcd and kube-apiserver: ports, credentials, arguments.

export async function freePort(): Promise<number> {
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

export function kubeconfig(server: string, ca: string, user: string, token: string): string {
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

/** A service-account key pair and static tokens for an admin, the CCM's identity and a planner. */
export async function writeCredentials(
  dir: string,
): Promise<{ adminToken: string; ccmToken: string; plannerToken: string; certDir: string }> {
  const certDir = join(dir, 'certs');
  await mkdir(certDir, { recursive: true });
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  await writeFile(join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  await writeFile(join(dir, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const adminToken = randomBytes(24).toString('hex');
  const ccmToken = randomBytes(24).toString('hex');
  const plannerToken = randomBytes(24).toString('hex');
  await writeFile(
    join(dir, 'tokens.csv'),
    [
      `${adminToken},admin,admin-uid,"system:masters"`,
      `${ccmToken},system:serviceaccount:kube-system:cloud-controller-manager,ccm-uid,"system:serviceaccounts,system:serviceaccounts:kube-system"`,
      // Someone who reviews plans: only the read-only access of deploy/template/planner.yaml.
      `${plannerToken},planner,planner-uid,"metal-ccm:planners"`,
      '',
    ].join('\n'),
  );
  return { adminToken, ccmToken, plannerToken, certDir };
}

export function etcdArgs(dir: string, port: number, peerPort: number): string[] {
  return [
    '--name=test',
    `--data-dir=${join(dir, 'etcd')}`,
    `--listen-client-urls=http://127.0.0.1:${port}`,
    `--advertise-client-urls=http://127.0.0.1:${port}`,
    `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
    `--initial-cluster=test=http://127.0.0.1:${peerPort}`,
    '--unsafe-no-fsync',
    '--log-level=warn',
  ];
}

export function apiserverArgs(dir: string, etcdPort: number, port: number): string[] {
  return [
    `--etcd-servers=http://127.0.0.1:${etcdPort}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${port}`,
    `--cert-dir=${join(dir, 'certs')}`,
    `--token-auth-file=${join(dir, 'tokens.csv')}`,
    '--authorization-mode=RBAC',
    `--service-account-key-file=${join(dir, 'sa.pub')}`,
    `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
    '--service-account-issuer=https://kubernetes.default.svc',
    '--service-cluster-ip-range=10.96.0.0/16',
    // The test decides the endpoints of default/kubernetes (and loopback is refused by the others).
    '--endpoint-reconciler-type=none',
  ];
}
