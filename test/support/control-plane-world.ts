import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import { Agent, fetch } from 'undici';
import type { KubeRest } from '../../providers/kubernetes/rest.ts';
import { resourcePath, resources } from '../../providers/kubernetes/resources.ts';
import { startEmulator, type Emulator } from '../../emulator/emulator.ts';
import { hrefId } from '../../emulator/world.ts';
import { syntheticProject, syntheticWorld } from '../../emulator/synthetic.ts';
import { controlPlaneEipAddress, standInAddresses } from '../kube/local-addresses.ts';
import { kubernetesSlice } from './builders.ts';

export const eipTag = 'cp-eip';
export const eipAddress = controlPlaneEipAddress;
export const controlPlaneToken = 'control-plane-token';

/** A control-plane node's kube-apiserver, as far as the CCM can tell: `/healthz` on its address. */
export interface StandIn {
  readonly name: string;
  readonly address: string;
  readonly deviceId: string;
  healthy: boolean;
  /** Answer 500 to the next `n` requests, then recover (a lost probe). */
  failNext(n: number): void;
  /** Requests served so far, and how many of them were answered 500 (failed probes). */
  readonly served: () => number;
  readonly failed: () => number;
  close(): Promise<void>;
}

async function standIn(
  name: string,
  address: string,
  port: number,
  deviceId: string,
  tls: { cert: string; key: string },
): Promise<StandIn> {
  let failing = 0;
  let served = 0;
  let failed = 0;
  const state = {
    healthy: true,
  };
  const server: Server = createServer(
    { cert: await readFile(tls.cert), key: await readFile(tls.key) },
    (request, response) => {
      served++;
      const ok = state.healthy && failing === 0;
      if (failing > 0) failing--;
      if (!ok) failed++;
      response.writeHead(request.url === '/healthz' && ok ? 200 : 500).end(ok ? 'ok' : 'bad');
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, resolve);
  });
  return {
    name,
    address,
    deviceId,
    get healthy() {
      return state.healthy;
    },
    set healthy(value: boolean) {
      state.healthy = value;
    },
    failNext: (n) => {
      failing = n;
    },
    served: () => served,
    failed: () => failed,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

export interface ControlPlaneWorld {
  readonly emulator: Emulator;
  readonly standIns: readonly StandIn[];
  readonly port: number;
  /** The device holding the EIP, as the emulator says. */
  holder(): string | undefined;
  /** `GET https://<eip>:<port>/healthz` through the emulator's routing: the status, or 0. */
  probeEip(): Promise<number>;
  close(): Promise<void>;
}

/** The emulator's project: three devices whose private addresses are the stand-ins', and the EIP. */
async function startControlPlaneEmulator(
  port: number,
  seed: number | undefined,
): Promise<{ emulator: Emulator; devices: { id: string; hostname: string }[] }> {
  const world = syntheticWorld({ devices: 3, reservations: 0 });
  type Json = Record<string, unknown>;
  const devices = (world.devices as Json[]).map((d, i) => ({
    ...d,
    id: String(d['id']),
    hostname: `cp-${String(i + 1)}`,
    ip_addresses: (d['ip_addresses'] as Json[]).map((a) =>
      a['public'] === false ? { ...a, address: standInAddresses[i], cidr: 32 } : a,
    ),
  }));
  const emulator = await startEmulator({
    world: { ...world, devices },
    token: controlPlaneToken,
    // The first is the control-plane EIP; the rest are for Services (never assigned, so never routed).
    addressRange: { first: eipAddress, count: 4096 },
    routeElasticIps: { ports: [port] },
    ...(seed === undefined ? {} : { seed }),
  });
  await fetch(`${emulator.url}/projects/${syntheticProject}/ips`, {
    method: 'POST',
    headers: { 'X-Auth-Token': controlPlaneToken, 'Content-Type': 'application/json' },
    body: JSON.stringify({ type: 'public_ipv4', quantity: 1, metro: 'da', tags: [eipTag] }),
  });
  return { emulator, devices };
}

/** The device the reservation tagged `cp-eip` is assigned to, as the emulator says. */
function holderIn(emulator: Emulator): string | undefined {
  for (const r of emulator.world.reservations.values()) {
    if (!((r['tags'] ?? []) as string[]).includes(eipTag)) continue;
    const [assignment] = (r['assignments'] ?? []) as Record<string, unknown>[];
    return assignment === undefined ? undefined : hrefId(assignment['assigned_to']);
  }
  return undefined;
}

/** `GET https://<eip>:<port>/healthz`: the status, or 0 when nothing answered within a second. */
async function probe(insecure: Agent, port: number): Promise<number> {
  try {
    const response = await fetch(`https://${eipAddress}:${String(port)}/healthz`, {
      dispatcher: insecure,
      signal: AbortSignal.timeout(1000),
    });
    await response.body?.cancel();
    return response.status;
  } catch {
    return 0;
  }
}

/** The stand-ins' Nodes and the endpoints of `default/kubernetes` gone (whatever is left of them). */
async function removeFromCluster(admin: KubeRest, standIns: readonly StandIn[]): Promise<void> {
  await admin
    .request({
      method: 'DELETE',
      path: resourcePath(resources.EndpointSlice, { namespace: 'default', name: 'kubernetes' }),
    })
    .catch(() => undefined);
  for (const s of standIns)
    await admin
      .request({ method: 'DELETE', path: resourcePath(resources.Node, { name: s.name }) })
      .catch(() => undefined);
}

/**
 * Three control-plane stand-ins on local addresses (100.64.10.1-3, on the kube-apiserver's port, as
 * the `targetPort` of `default/kubernetes` says), their devices in the emulator, which routes the
 * control-plane EIP (100.64.20.1, tagged `cp-eip`, unassigned) to whichever holds it; and, in the
 * API server, their Nodes (Ready) and the endpoints of `default/kubernetes`.
 */
export async function controlPlaneWorld(options: {
  readonly admin: KubeRest;
  readonly port: number;
  readonly tls: { cert: string; key: string };
  /** Seed of the emulator's probability faults. */
  readonly seed?: number;
}): Promise<ControlPlaneWorld> {
  const { emulator, devices } = await startControlPlaneEmulator(options.port, options.seed);
  const standIns = await Promise.all(
    devices.map((d, i) =>
      standIn(d.hostname, standInAddresses[i] ?? '', options.port, d.id, options.tls),
    ),
  );
  for (const s of standIns) await createNode(options.admin, s);
  await options.admin.request({
    method: 'POST',
    path: resourcePath(resources.EndpointSlice, { namespace: 'default' }),
    body: kubernetesSlice(
      standIns.map((s) => s.address),
      options.port,
    ),
  });
  const insecure = new Agent({ connect: { rejectUnauthorized: false } });
  return {
    emulator,
    standIns,
    port: options.port,
    holder: () => holderIn(emulator),
    probeEip: () => probe(insecure, options.port),
    close: async () => {
      await Promise.all(standIns.map((s) => s.close()));
      await emulator.close();
      await insecure.close();
      await removeFromCluster(options.admin, standIns);
    },
  };
}

async function createNode(admin: KubeRest, s: StandIn): Promise<void> {
  await admin.request({
    method: 'POST',
    path: resourcePath(resources.Node),
    body: {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: s.name, labels: { 'node-role.kubernetes.io/control-plane': '' } },
      spec: { providerID: `equinixmetal://${s.deviceId}` },
    },
  });
  await admin.request({
    method: 'PATCH',
    path: resourcePath(resources.Node, { name: s.name, subresource: 'status' }),
    contentType: 'application/merge-patch+json',
    body: {
      status: {
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'KubeletReady',
            message: 'stand-in',
            lastHeartbeatTime: new Date().toISOString(),
            lastTransitionTime: new Date().toISOString(),
          },
        ],
      },
    },
  });
}
