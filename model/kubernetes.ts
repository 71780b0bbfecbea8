import type {
  KubernetesObject,
  V1ConfigMap,
  V1EndpointSlice,
  V1Node,
  V1Service,
} from '@kubernetes/client-node';

/** How a plan names a Kubernetes object. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

export type { KubernetesObject, V1ConfigMap, V1EndpointSlice, V1Node, V1Service };

export function refOf(object: KubernetesObject): ObjectRef {
  const { apiVersion = 'v1', kind = 'Unknown', metadata } = object;
  const name = metadata?.name ?? '';
  return metadata?.namespace === undefined
    ? { apiVersion, kind, name }
    : { apiVersion, kind, namespace: metadata.namespace, name };
}

/** `Kind namespace/name` or `Kind name`: the words a plan uses for an object. */
export function describeRef(ref: ObjectRef): string {
  return ref.namespace === undefined
    ? `${ref.kind} ${ref.name}`
    : `${ref.kind} ${ref.namespace}/${ref.name}`;
}

/** A Namespace, as the object a Warning Event about something without an object of its own is on. */
export const namespaceRef = (name: string): ObjectRef => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  name,
});

/** The Service's load-balancer status names exactly this IP (and no hostname). */
export function hasOnlyIngress(service: V1Service, ip: string): boolean {
  const ingress = service.status?.loadBalancer?.ingress;
  return ingress?.length === 1 && ingress[0]?.ip === ip && ingress[0].hostname === undefined;
}

/** The kubelet says the Node is Ready. */
export function isNodeReady(node: V1Node): boolean {
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** A key that identifies one object across a plan (kind, namespace, name). */
export function refKey(ref: ObjectRef): string {
  return `${ref.apiVersion}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}
