import { resourcePath, resources } from './resources.ts';
import type { KubeRest } from './rest.ts';

/** Where kube-apiserver publishes the CA of client certificates for components to trust. */
const configMap = { namespace: 'kube-system', name: 'extension-apiserver-authentication' };

/**
 * The client CA the API server publishes (`client-ca-file` of
 * `kube-system/extension-apiserver-authentication`), read as Kubernetes components read it unless
 * `--authentication-skip-lookup`. A ConfigMap that cannot be read stops the start, as upstream,
 * unless `--authentication-tolerate-lookup-failure`; one without a client CA is no client CA.
 */
export async function clientCAFromCluster(
  rest: KubeRest,
  tolerate: boolean,
  log: { warn(object: object, message: string): void },
): Promise<string | undefined> {
  try {
    const found = await rest.request<{ data?: Record<string, string> }>({
      method: 'GET',
      path: resourcePath(resources.ConfigMap, configMap),
    });
    return found.data?.['client-ca-file'];
  } catch (error) {
    const problem = `the client CA in ${configMap.namespace}/${configMap.name} cannot be read: ${error instanceof Error ? error.message : String(error)}`;
    if (!tolerate)
      throw new Error(
        `${problem}; bind the CCM to the Role extension-apiserver-authentication-reader in kube-system, or pass --authentication-skip-lookup=true (or --authentication-tolerate-lookup-failure=true)`,
        { cause: error },
      );
    log.warn(
      { err: problem },
      'client certificates will not authenticate (--authentication-tolerate-lookup-failure)',
    );
    return undefined;
  }
}
