import { KubeConfig } from '@kubernetes/client-node';

/** The kubeconfig at `path`; else in-cluster configuration; else the default kubeconfig. */
export function loadKubeConfig(path: string | undefined): KubeConfig {
  const config = new KubeConfig();
  if (path !== undefined) config.loadFromFile(path);
  else if (process.env['KUBERNETES_SERVICE_HOST'] !== undefined) config.loadFromCluster();
  else config.loadFromDefault();
  return config;
}
