import { performance } from 'node:perf_hooks';
import { resourcePath, resources } from '../../providers/kubernetes/resources.ts';
import type { KubeRest } from '../../providers/kubernetes/rest.ts';
import { forceDeleteWith } from '../support/kube-rest.ts';
import { coresBusyFromNow } from './machine-cpu.ts';

interface Written {
  metadata: { resourceVersion: string };
}

const readyCondition = (address: string) => ({
  type: 'metal.equinix.com/ElasticIPReady',
  status: 'True',
  reason: 'Assigned',
  message: `Elastic IP ${address} (reservation 00000000-0000-4000-8000-000000000000)`,
  lastTransitionTime: new Date().toISOString(),
});

/** A JSON Patch guarded by the version the last write left, as the CCM sends it. */
async function guardedPatch(
  admin: KubeRest,
  name: string,
  version: string,
  patch: object[],
  subresource?: 'status',
): Promise<string> {
  const path = resourcePath(resources.Service, { namespace: 'default', name });
  const written = await admin.request<Written>({
    method: 'PATCH',
    path: subresource === undefined ? path : `${path}/${subresource}`,
    contentType: 'application/json-patch+json',
    body: [{ op: 'test', path: '/metadata/resourceVersion', value: version }, ...patch],
  });
  return written.metadata.resourceVersion;
}

/**
 * What the API server alone needs for a Service to get an address, with no CCM: the create, then
 * the two guarded writes the CCM makes (finalizer, address in spec and annotation; address and
 * condition in status), one after the other. The floor under "Service created → IP in status".
 */
async function servedByHand(admin: KubeRest, name: string, address: string): Promise<number> {
  const started = performance.now();
  const created = await admin.request<Written>({
    method: 'POST',
    path: resourcePath(resources.Service, { namespace: 'default' }),
    body: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name },
      spec: { type: 'LoadBalancer', ports: [{ port: 80 }], allocateLoadBalancerNodePorts: false },
    },
  });
  const version = await guardedPatch(admin, name, created.metadata.resourceVersion, [
    {
      op: 'add',
      path: '/metadata/finalizers',
      value: ['service.kubernetes.io/load-balancer-cleanup'],
    },
    { op: 'add', path: '/spec/loadBalancerIP', value: address },
    { op: 'add', path: '/metadata/annotations', value: { 'kube-vip.io/loadbalancerIPs': address } },
  ]);
  await guardedPatch(
    admin,
    name,
    version,
    [
      { op: 'add', path: '/status/loadBalancer', value: { ingress: [{ ip: address }] } },
      { op: 'add', path: '/status/conditions', value: [readyCondition(address)] },
    ],
    'status',
  );
  return performance.now() - started;
}

/**
 * The floor, one Service at a time and in bursts, and the cores busy while the bursts ran; the
 * Services are removed after.
 */
export async function apiServerFloor(
  admin: KubeRest,
  options: { single: number; bursts: number; burst: number },
): Promise<{ alone: number[]; bursts: number[]; cores: number }> {
  const names: string[] = [];
  const served = (i: number): Promise<number> => {
    const name = `floor-${String(i)}`;
    names.push(name);
    return servedByHand(admin, name, `100.127.${String(i >> 8)}.${String(i & 255)}`);
  };
  const alone: number[] = [];
  const bursts: number[] = [];
  let cores: number;
  try {
    for (let i = 0; i < options.single; i++) alone.push(await served(i));
    const machine = coresBusyFromNow();
    for (let b = 0; b < options.bursts; b++) {
      const first = options.single + b * options.burst;
      const burst = Array.from({ length: options.burst }, (_, i) => served(first + i));
      bursts.push(...(await Promise.all(burst)));
    }
    cores = machine();
  } finally {
    for (const name of names)
      await forceDeleteWith(admin, resourcePath(resources.Service, { namespace: 'default', name }));
  }
  return { alone, bursts, cores };
}
