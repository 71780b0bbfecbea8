import { readFile } from 'node:fs/promises';
import { Agent, fetch } from 'undici';
import { resourcePath, resources } from '../../providers/kubernetes/resources.ts';
import type { KubeRest } from '../../providers/kubernetes/rest.ts';
import type { KubeEnvironment } from '../kube/harness.ts';
import type { MetalLBObjectView, NodeView, Observed, ServiceView } from './invariants/views.ts';

/** The end state of the Kubernetes side, as the invariants read it. */
export async function observe(admin: KubeRest): Promise<Observed> {
  const list = <T>(path: string): Promise<T[]> =>
    admin.request<{ items: T[] }>({ method: 'GET', path }).then((l) => l.items);
  const services = await list<ServiceView>(
    resourcePath(resources.Service, { namespace: 'default' }),
  );
  const events = await list<{ reason?: string; regarding?: { kind?: string; name?: string } }>(
    '/apis/events.k8s.io/v1/namespaces/default/events',
  );
  return {
    services: services.filter((s) => s.metadata.name !== 'kubernetes'),
    nodes: await list<NodeView>(resourcePath(resources.Node)),
    bgpPeers: await list<MetalLBObjectView>(
      resourcePath(resources.BGPPeer, { namespace: 'metallb-system' }),
    ),
    ipAddressPools: await list<MetalLBObjectView>(
      resourcePath(resources.IPAddressPool, { namespace: 'metallb-system' }),
    ),
    limitWarned: new Set(
      events
        .filter((e) => e.reason === 'ElasticIPLimitReached' && e.regarding?.kind === 'Service')
        .map((e) => e.regarding?.name ?? ''),
    ),
  };
}

/** When kube-apiserver's process started (its own metric), to tell that a restart happened. */
export async function apiserverStartedAt(kube: KubeEnvironment): Promise<number> {
  const agent = new Agent({ connect: { ca: await readFile(kube.servingCertificate.cert) } });
  try {
    const response = await fetch(`${kube.server}/metrics`, {
      headers: { authorization: `Bearer ${kube.adminToken}` },
      dispatcher: agent,
    });
    const line = (await response.text())
      .split('\n')
      .find((l) => l.startsWith('process_start_time_seconds '));
    return Number(line?.split(' ')[1] ?? Number.NaN);
  } finally {
    await agent.close();
  }
}

/** The CCM's control-plane Events, one line each: what it thought while the EIP stayed put. */
export async function controlPlaneEvents(admin: KubeRest): Promise<string[]> {
  const { items } = await admin.request<{
    items: { reason?: string; note?: string; eventTime?: string; series?: { count?: number } }[];
  }>({ method: 'GET', path: '/apis/events.k8s.io/v1/namespaces/kube-system/events' });
  return items
    .filter((e) => e.reason?.startsWith('ControlPlane') === true)
    .map(
      (e) =>
        `Event ${e.reason ?? ''} at ${e.eventTime ?? '?'} (×${String(e.series?.count ?? 1)}): ${e.note ?? ''}`,
    );
}
