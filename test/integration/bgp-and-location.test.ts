import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/emulator.ts';
import { syntheticProject, syntheticWorld } from '../../emulator/synthetic.ts';
import type { Json } from '../../emulator/world.ts';
import { resourcePath, resources } from '../../providers/kubernetes/resources.ts';
import {
  admin,
  eventually,
  forceDelete,
  startDaemon,
  unique,
  type RunningDaemon,
} from '../support/integration.ts';
import { createLoadBalancerService, createNode } from '../support/kube-rest.ts';

// The running daemon with no metro or facility configured, on a project whose BGP was disabled:
// it finds where it runs from the host's metadata and turns BGP on again.

const token = 'bgp-token';
const password = 'Bgp42Password';
const localASN = 65010;
const service = unique('located');
let emulator: Emulator;
let daemon: RunningDaemon;

beforeAll(async () => {
  const world = syntheticWorld({ devices: 1, reservations: 0 });
  // The host is in New York, and the project's BGP was enabled once and then disabled.
  const [device] = world.devices as Json[];
  Object.assign(device ?? {}, { metro: { code: 'ny' }, facility: { code: 'ny5' } });
  emulator = await startEmulator({
    world: {
      ...world,
      bgp_config: {
        id: '9f0a1b2c-3d4e-4f50-8a6b-7c8d9e0f1a2b',
        status: 'disabled',
        asn: 65000,
        deployment_type: 'local',
      },
    },
    token,
  });
  await createNode(admin(), 'node-0');
  daemon = await startDaemon({
    baseURL: emulator.url,
    config: {
      apiKey: token,
      projectID: syntheticProject,
      loadbalancer: 'kube-vip://',
      bgpPass: password,
      localASN,
    },
    args: [`--metadata-url=${emulator.metadataUrl(String(device?.['id']))}`],
  });
});

afterAll(async () => {
  await daemon.kill();
  await emulator.close();
  await admin()
    .request({ method: 'DELETE', path: resourcePath(resources.Node, { name: 'node-0' }) })
    .catch(() => undefined);
  await forceDelete(resourcePath(resources.Service, { namespace: 'default', name: service }));
});

describe('the running daemon', () => {
  it('reads its location from the metadata service once a Service needs it, and puts Elastic IPs there', async () => {
    expect(emulator.counters()['metadata'] ?? 0).toBe(0);
    await createLoadBalancerService(admin(), service);
    const reservation = await eventually(
      () =>
        [...emulator.world.reservations.values()].find((r) =>
          (r['tags'] as string[]).some((t) => t.startsWith('service=')),
        ),
      20_000,
      'a reservation for the Service',
    );
    // The metro wins over the facility, as upstream's order has it.
    expect((reservation['metro'] as Json | undefined)?.['code']).toBe('ny');
    expect(reservation['facility']).toBeUndefined();
    expect(emulator.counters()['metadata']).toBe(1);
  });

  it('enables BGP again on a project where it is disabled, with the settings given', async () => {
    await eventually(() => emulator.world.bgpEnabled, 20_000, 'project BGP enabled');
    expect(emulator.counters()['requestBgpConfig']).toBe(1);
    expect(emulator.world.bgpConfig).toMatchObject({
      status: 'enabled',
      asn: localASN,
      md5: password,
      deployment_type: 'local',
    });
    // And it is of use: node-0 gets its session and its BGP facts.
    const annotations = await eventually(
      async () => {
        const node = await admin().request<{ metadata: { annotations?: Record<string, string> } }>({
          method: 'GET',
          path: resourcePath(resources.Node, { name: 'node-0' }),
        });
        return node.metadata.annotations?.['metal.equinix.com/peer-ip'] === undefined
          ? undefined
          : node.metadata.annotations;
      },
      20_000,
      'the BGP facts on node-0',
    );
    expect(annotations['metal.equinix.com/node-asn']).toBe(String(localASN));
  });
});
