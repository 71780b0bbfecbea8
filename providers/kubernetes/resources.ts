/** The Kubernetes resources the CCM reads or writes, and where they live in the API. */
export interface Resource {
  readonly apiVersion: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
}

function resource(apiVersion: string, kind: string, plural: string, namespaced: boolean): Resource {
  return { apiVersion, kind, plural, namespaced };
}

export const resources = {
  Node: resource('v1', 'Node', 'nodes', false),
  Namespace: resource('v1', 'Namespace', 'namespaces', false),
  Service: resource('v1', 'Service', 'services', true),
  ConfigMap: resource('v1', 'ConfigMap', 'configmaps', true),
  Secret: resource('v1', 'Secret', 'secrets', true),
  EndpointSlice: resource('discovery.k8s.io/v1', 'EndpointSlice', 'endpointslices', true),
  Lease: resource('coordination.k8s.io/v1', 'Lease', 'leases', true),
  Event: resource('events.k8s.io/v1', 'Event', 'events', true),
  IPAddressPool: resource('metallb.io/v1beta1', 'IPAddressPool', 'ipaddresspools', true),
  BGPAdvertisement: resource('metallb.io/v1beta1', 'BGPAdvertisement', 'bgpadvertisements', true),
  BGPPeer: resource('metallb.io/v1beta2', 'BGPPeer', 'bgppeers', true),
} as const;

export type ResourceKind = keyof typeof resources;

export function resourceOf(apiVersion: string, kind: string): Resource {
  const found = Object.values(resources).find(
    (r) => r.apiVersion === apiVersion && r.kind === kind,
  );
  if (found === undefined) throw new Error(`the CCM does not handle ${apiVersion} ${kind}`);
  return found;
}

/** `/api/v1/nodes/n/status`, `/apis/discovery.k8s.io/v1/namespaces/default/endpointslices`, … */
export function resourcePath(
  r: Resource,
  where: { namespace?: string; name?: string; subresource?: string } = {},
): string {
  const group = r.apiVersion.includes('/') ? `/apis/${r.apiVersion}` : `/api/${r.apiVersion}`;
  const ns =
    r.namespaced && where.namespace !== undefined
      ? `/namespaces/${encodeURIComponent(where.namespace)}`
      : '';
  const name = where.name === undefined ? '' : `/${encodeURIComponent(where.name)}`;
  const sub = where.subresource === undefined ? '' : `/${where.subresource}`;
  return `${group}${ns}/${r.plural}${name}${sub}`;
}
