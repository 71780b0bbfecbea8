import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

/** Where the service account's token is mounted in a Pod. */
const serviceAccountToken = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export interface KubeConnectionOptions {
  /** `--kubeconfig`. */
  readonly kubeconfig?: string;
  /** `--master`: the API server's address, over the kubeconfig's. */
  readonly master?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** A kubeconfig that cannot be used, said so that the operator knows what to fix. */
export class KubeConfigError extends Error {
  override readonly name = 'KubeConfigError';
}

function fromFile(path: string, what: string): KubeConfig {
  const config = new KubeConfig();
  try {
    config.loadFromFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new KubeConfigError(
      code === undefined
        ? `${what} ${path} is not a usable kubeconfig: ${error instanceof Error ? error.message : String(error)}`
        : `${what} ${path} cannot be read (${code})`,
      { cause: error },
    );
  }
  if (config.getCurrentCluster() === null)
    throw new KubeConfigError(`${what} ${path} names no current context with a cluster`);
  return config;
}

/**
 * The connection to the Kubernetes API, found as a component finds it: `--kubeconfig`; else, in a
 * Pod, the service account; else `$KUBECONFIG` or `~/.kube/config`; else `--master` alone (no
 * credentials). `--master` overrides the server. When nothing is found, the error says what to do.
 */
export function loadKubeConfig(options: KubeConnectionOptions): KubeConfig {
  const { env } = options;
  let config: KubeConfig;
  if (options.kubeconfig !== undefined) {
    config = fromFile(options.kubeconfig, '--kubeconfig');
  } else if (
    env['KUBERNETES_SERVICE_HOST'] !== undefined &&
    env['KUBERNETES_SERVICE_HOST'] !== ''
  ) {
    if (!existsSync(serviceAccountToken))
      throw new KubeConfigError(
        `running in a Pod (KUBERNETES_SERVICE_HOST is set) but no service account token is mounted at ${serviceAccountToken}: give the Pod a service account with automountServiceAccountToken, or pass --kubeconfig`,
      );
    config = new KubeConfig();
    config.loadFromCluster();
  } else if (env['KUBECONFIG'] !== undefined && env['KUBECONFIG'] !== '') {
    config = fromFile(env['KUBECONFIG'].split(':')[0] ?? '', '$KUBECONFIG');
  } else if (existsSync(join(env['HOME'] ?? homedir(), '.kube', 'config'))) {
    config = fromFile(join(env['HOME'] ?? homedir(), '.kube', 'config'), '~/.kube/config');
  } else if (options.master !== undefined) {
    config = new KubeConfig();
    config.loadFromClusterAndUser(
      { name: 'master', server: options.master, skipTLSVerify: false },
      { name: 'none' },
    );
  } else {
    throw new KubeConfigError(
      'no kubeconfig: not running in a Pod (KUBERNETES_SERVICE_HOST is not set), and no --kubeconfig, $KUBECONFIG or ~/.kube/config; run the CCM in the cluster with its service account (deploy/), or pass --kubeconfig=<file> (or --master=<url>)',
    );
  }
  const cluster = config.getCurrentCluster();
  if (options.master !== undefined && cluster !== null)
    config.clusters = config.clusters.map((c) =>
      c.name === cluster.name ? { ...c, server: options.master ?? c.server } : c,
    );
  return config;
}

/** The API server's address, for messages. */
export function serverOf(config: KubeConfig): string {
  return config.getCurrentCluster()?.server ?? '(no server)';
}
