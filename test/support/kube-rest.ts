import type { V1ServiceSpec } from '@kubernetes/client-node';
import { loadKubeConfig } from '../../providers/kubernetes/kubeconfig.ts';
import { resourcePath, resources } from '../../providers/kubernetes/resources.ts';
import { KubeRest } from '../../providers/kubernetes/rest.ts';

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

/** Creates a Service of type LoadBalancer (port 80, unless `spec` says otherwise) in `namespace`. */
export async function createLoadBalancerService(
  rest: KubeRest,
  name: string,
  spec: Partial<V1ServiceSpec> = {},
  namespace = 'default',
): Promise<void> {
  await rest.request({
    method: 'POST',
    path: resourcePath(resources.Service, { namespace }),
    body: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name },
      spec: { type: 'LoadBalancer', ports: [{ port: 80 }], ...spec },
    },
  });
}

/** The taint a kubelet started with `--cloud-provider=external` puts on its Node. */
export const uninitializedTaint = {
  key: 'node.cloudprovider.kubernetes.io/uninitialized',
  value: 'true',
  effect: 'NoSchedule',
} as const;

/** Creates a Node as a kubelet would: optionally with a provider ID, tainted uninitialized. */
export async function createNode(
  rest: KubeRest,
  name: string,
  options: { providerID?: string; uninitialized?: boolean } = {},
): Promise<void> {
  await rest.request({
    method: 'POST',
    path: resourcePath(resources.Node),
    body: {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name },
      spec: {
        ...(options.uninitialized === true ? { taints: [uninitializedTaint] } : {}),
        ...(options.providerID === undefined ? {} : { providerID: options.providerID }),
      },
    },
  });
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
  ValidatingAdmissionPolicy: 'validatingadmissionpolicies',
  ValidatingAdmissionPolicyBinding: 'validatingadmissionpolicybindings',
  ConfigMap: 'configmaps',
};

/** The collection an object of a manifest is created in (the kinds our manifests hold). */
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
