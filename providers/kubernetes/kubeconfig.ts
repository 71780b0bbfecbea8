import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { isIPv6 } from 'node:net';
import {
  newClusters,
  newContexts,
  newUsers,
  type Cluster,
  type User,
} from '@kubernetes/client-node/dist/config_types.js';
import { parse } from 'yaml';
import { KubeConnection } from './kube-connection.ts';
import { proxyFromEnvironment, proxyRefusal, withoutCredentials } from '../proxy-env.ts';

/** Where the service account's credentials are mounted in a Pod. */
const serviceAccount = '/var/run/secrets/kubernetes.io/serviceaccount';
const serviceAccountToken = `${serviceAccount}/token`;

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

const absolute = (root: string, file: string | undefined): string | undefined =>
  file === undefined || isAbsolute(file) ? file : join(root, file);

/** The current context's cluster and user; relative file names are relative to the kubeconfig. */
function currentOf(text: string, root: string): { cluster: Cluster; user: User } | undefined {
  const document = (parse(text) ?? {}) as Record<string, unknown>;
  const context = newContexts(document['contexts']).find(
    (c) => c.name === document['current-context'],
  );
  const cluster = newClusters(document['clusters']).find((c) => c.name === context?.cluster);
  if (context === undefined || cluster === undefined) return undefined;
  const user = newUsers(document['users']).find((u) => u.name === context.user) ?? {
    name: context.user,
  };
  return {
    cluster: { ...cluster, caFile: absolute(root, cluster.caFile) },
    user: {
      ...user,
      certFile: absolute(root, user.certFile),
      keyFile: absolute(root, user.keyFile),
    },
  };
}

/**
 * The credential plugins client-node runs for us are exec and a token file; its other auth
 * providers (gcp, azure, oidc) are gone from kubectl, and a SOCKS proxy is not supported here.
 */
function supported(found: { cluster: Cluster; user: User }, what: string, path: string) {
  const provider = (found.user.authProvider as { name?: string } | undefined)?.name;
  if (provider !== undefined && provider !== 'exec' && provider !== 'tokenFile')
    throw new KubeConfigError(
      `${what} ${path}: users[${found.user.name}].auth-provider ${provider} is not supported; use an exec plugin, a token or a client certificate`,
    );
  if (found.cluster.proxyUrl?.startsWith('socks') === true)
    throw new KubeConfigError(
      `${what} ${path}: clusters[${found.cluster.name}].proxy-url ${withoutCredentials(found.cluster.proxyUrl)} is not supported; use an http or https proxy`,
    );
  return found;
}

function fromFile(path: string, what: string): KubeConnection {
  let found: { cluster: Cluster; user: User } | undefined;
  try {
    found = currentOf(readFileSync(path, 'utf8'), dirname(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new KubeConfigError(
      code === undefined
        ? `${what} ${path} is not a usable kubeconfig: ${error instanceof Error ? error.message : String(error)}`
        : `${what} ${path} cannot be read (${code})`,
      { cause: error },
    );
  }
  if (found === undefined)
    throw new KubeConfigError(`${what} ${path} names no current context with a cluster`);
  const { cluster, user } = supported(found, what, path);
  return new KubeConnection(cluster, user);
}

/** In a Pod: the API server from the environment, the service account's CA and (rotated) token. */
function inCluster(env: Readonly<Record<string, string | undefined>>): KubeConnection {
  const host = env['KUBERNETES_SERVICE_HOST'] ?? '';
  const port = env['KUBERNETES_SERVICE_PORT'] ?? '443';
  const scheme = ['80', '8080', '8001'].includes(port) ? 'http' : 'https';
  return new KubeConnection(
    {
      name: 'inCluster',
      server: `${scheme}://${isIPv6(host) ? `[${host}]` : host}:${port}`,
      caFile: `${serviceAccount}/ca.crt`,
      skipTLSVerify: false,
    },
    {
      name: 'inClusterUser',
      authProvider: { name: 'tokenFile', config: { tokenFile: serviceAccountToken } },
    },
  );
}

/**
 * The connection to the Kubernetes API, found as a component finds it: `--kubeconfig`; else, in a
 * Pod, the service account; else `$KUBECONFIG` or `~/.kube/config`; else `--master` alone (no
 * credentials). `--master` overrides the server. When nothing is found, the error says what to do.
 */
export function loadKubeConfig(options: KubeConnectionOptions): KubeConnection {
  const { env } = options;
  let config: KubeConnection;
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
    config = inCluster(env);
  } else if (env['KUBECONFIG'] !== undefined && env['KUBECONFIG'] !== '') {
    config = fromFile(env['KUBECONFIG'].split(':')[0] ?? '', '$KUBECONFIG');
  } else if (existsSync(join(env['HOME'] ?? homedir(), '.kube', 'config'))) {
    config = fromFile(join(env['HOME'] ?? homedir(), '.kube', 'config'), '~/.kube/config');
  } else if (options.master !== undefined) {
    config = new KubeConnection(
      { name: 'master', server: options.master, skipTLSVerify: false },
      { name: 'none' },
    );
  } else {
    throw new KubeConfigError(
      'no kubeconfig: not running in a Pod (KUBERNETES_SERVICE_HOST is not set), and no --kubeconfig, $KUBECONFIG or ~/.kube/config; run the CCM in the cluster with its service account (deploy/), or pass --kubeconfig=<file> (or --master=<url>)',
    );
  }
  const cluster =
    options.master === undefined ? config.cluster : { ...config.cluster, server: options.master };
  return new KubeConnection(withEnvironmentProxy(cluster, env), config.user);
}

/**
 * The kubeconfig's `proxy-url`, else the proxy HTTPS_PROXY / HTTP_PROXY name for this API server
 * unless NO_PROXY (or loopback) exempts it, as client-go: a Pod given a proxy for the Metal API
 * reaches an API server that NO_PROXY names (the service network, `.svc`) directly.
 */
function withEnvironmentProxy(
  cluster: Cluster,
  env: Readonly<Record<string, string | undefined>>,
): Cluster {
  if (cluster.proxyUrl !== undefined && cluster.proxyUrl !== '') return cluster;
  const proxy = proxyFromEnvironment(cluster.server, env);
  if (proxy === undefined) return cluster;
  const refusal = proxyRefusal(proxy, `the Kubernetes API server ${cluster.server}`);
  if (refusal !== undefined) throw new KubeConfigError(refusal);
  return { ...cluster, proxyUrl: proxy };
}

/** The API server's address, for messages. */
export function serverOf(config: KubeConnection): string {
  return config.server;
}
