import { readFile } from 'node:fs/promises';
import { metalWorldSchema } from '../../providers/fixture/metal.ts';
import { resourcePath, resources } from '../../providers/kubernetes/resources.ts';
import { startEmulator, type Emulator } from '../../emulator/emulator.ts';
import { admin, forceDelete, type RunningDaemon } from './integration.ts';
import { createLoadBalancerService } from './kube-rest.ts';

/**
 * The world of the MetalLB end-to-end tests: the converged fixture's project in the emulator, two
 * Nodes, two Services and the control-plane mirror holding the control-plane EIP.
 */
const project = '0f6b7b9e-2c1a-4e6f-9a57-3f0c1c0d6a11';
const nodes = ['cp-1', 'worker-1'];
export const controlPlaneEip = '198.51.100.200';

/** The Elastic IP a Service got (the Services get new reservations from the emulator's range). */
export async function ipOf(name: string): Promise<string> {
  const s = await admin().request<{ status?: { loadBalancer?: { ingress?: { ip?: string }[] } } }>({
    method: 'GET',
    path: resourcePath(resources.Service, { namespace: 'default', name }),
  });
  return s.status?.loadBalancer?.ingress?.[0]?.ip ?? 'none';
}

export async function startMetalLBEmulator(): Promise<Emulator> {
  const seed = metalWorldSchema.parse(
    JSON.parse(await readFile('fixtures/lb-converged/metal.json', 'utf8')),
  );
  const started = await startEmulator({
    world: seed,
    token: 'metallb-token',
    addressRange: { first: controlPlaneEip, count: 3 },
  });
  // The control-plane EIP (the first address of the range): tagged by the operator, never a pool.
  await fetch(`${started.url}/projects/${project}/ips`, {
    method: 'POST',
    headers: { 'X-Auth-Token': 'metallb-token', 'Content-Type': 'application/json' },
    body: JSON.stringify({ type: 'public_ipv4', quantity: 1, metro: 'da', tags: ['cp-eip'] }),
  });
  return started;
}

export async function arrange(): Promise<void> {
  for (const name of nodes) {
    await admin().request({
      method: 'POST',
      path: resourcePath(resources.Node),
      body: { apiVersion: 'v1', kind: 'Node', metadata: { name } },
    });
  }
  for (const name of ['web', 'api']) await createLoadBalancerService(admin(), name);
  // The control-plane mirror holds the control-plane EIP; it is never the CCM's to hand to MetalLB.
  await createLoadBalancerService(
    admin(),
    'cloud-provider-equinix-metal-kubernetes-external',
    { loadBalancerIP: controlPlaneEip, ports: [{ port: 443 }] },
    'kube-system',
  );
}

/** One Service and one Node go: their peers and pools must go with them. */
export async function removeOneOfEach(): Promise<void> {
  await admin().request({
    method: 'DELETE',
    path: resourcePath(resources.Service, { namespace: 'default', name: 'api' }),
  });
  await admin().request({
    method: 'DELETE',
    path: resourcePath(resources.Node, { name: 'worker-1' }),
  });
}

/** The daemon and the emulator stopped; the Nodes, Services and whatever MetalLB mode left, gone. */
export async function cleanUp(
  emulator: Emulator,
  daemon: RunningDaemon | undefined,
): Promise<void> {
  if (daemon?.process.exitCode === null) await daemon.kill();
  await emulator.close();
  for (const name of nodes)
    await admin()
      .request({ method: 'DELETE', path: resourcePath(resources.Node, { name }) })
      .catch(() => undefined);
  for (const [ns, name] of [
    ['default', 'web'],
    ['default', 'api'],
    ['kube-system', 'cloud-provider-equinix-metal-kubernetes-external'],
  ] as const)
    await forceDelete(resourcePath(resources.Service, { namespace: ns, name }));
  // The next file starts from an empty metallb-system.
  await forceDelete(
    resourcePath(resources.ConfigMap, { namespace: 'metallb-system', name: 'config' }),
  );
  for (const r of [resources.BGPPeer, resources.IPAddressPool, resources.BGPAdvertisement])
    await admin()
      .request({ method: 'DELETE', path: resourcePath(r, { namespace: 'metallb-system' }) })
      .catch(() => undefined);
}

export const config = (loadbalancer: string) => ({
  apiKey: 'metallb-token',
  projectID: project,
  metro: 'da',
  loadbalancer,
  eipTag: 'cp-eip',
});
