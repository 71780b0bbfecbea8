import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceTag } from '../../model/marks/tags.ts';
import { metalWorldSchema } from '../../providers/fixture/metal.ts';
import { resourcePath, resources } from '../../providers/kubernetes/resources.ts';
import { startEmulator, type Emulator } from '../../emulator/emulator.ts';
import {
  admin,
  eventually,
  forceDelete,
  startDaemon,
  type RunningDaemon,
} from '../support/integration.ts';
import { createLoadBalancerService } from '../support/kube-rest.ts';

interface ServiceBody {
  metadata: { name: string; finalizers?: string[]; annotations?: Record<string, string> };
  spec: { loadBalancerIP?: string };
  status?: { loadBalancer?: { ingress?: { ip?: string }[] } };
}
interface NodeBody {
  metadata: { name: string; annotations?: Record<string, string> };
}

const project = '0f6b7b9e-2c1a-4e6f-9a57-3f0c1c0d6a11';
const password = 'Fixture42Secret';
const config = {
  apiKey: 'eip-test-token',
  projectID: project,
  metro: 'da',
  loadbalancer: 'kube-vip://',
  bgpPass: password,
};
const otherCluster = [
  'usage=cloud-provider-equinix-metal-auto',
  'service=c29tZW9uZSBlbHNl',
  'cluster=d00dfeed-0000-4000-8000-000000000002',
];
let emulator: Emulator;
const daemons: RunningDaemon[] = [];

const service = (name: string) =>
  admin().request<ServiceBody>({
    method: 'GET',
    path: resourcePath(resources.Service, { namespace: 'default', name }),
  });
const ipOf = async (name: string) => (await service(name)).status?.loadBalancer?.ingress?.[0]?.ip;
const reservationsTagged = (tag: string) =>
  [...emulator.world.reservations.values()].filter((r) => (r['tags'] as string[]).includes(tag));
const writes = () =>
  Object.entries(emulator.counters()).filter(([op]) => /^(request|create|delete|update)/.test(op));

const createService = (name: string): Promise<void> =>
  createLoadBalancerService(admin(), name, { ports: [{ port: 80, targetPort: 8080 }] });

async function run(): Promise<RunningDaemon> {
  const daemon = await startDaemon({ baseURL: emulator.url, config });
  daemons.push(daemon);
  return daemon;
}

beforeAll(async () => {
  const world = metalWorldSchema.parse(
    JSON.parse(await readFile('fixtures/lb-fresh/metal.json', 'utf8')),
  );
  emulator = await startEmulator({ world, token: config.apiKey });
  // Another cluster in the same project has an Elastic IP of its own.
  await fetch(`${emulator.url}/projects/${project}/ips`, {
    method: 'POST',
    headers: { 'X-Auth-Token': config.apiKey, 'Content-Type': 'application/json' },
    body: JSON.stringify({ type: 'public_ipv4', quantity: 1, metro: 'da', tags: otherCluster }),
  });
  emulator.resetCounters();
  for (const name of ['cp-1', 'worker-1', 'worker-2']) {
    await admin().request({
      method: 'POST',
      path: resourcePath(resources.Node),
      body: { apiVersion: 'v1', kind: 'Node', metadata: { name } },
    });
  }
});

afterAll(async () => {
  for (const d of daemons) if (d.process.exitCode === null) await d.kill();
  await emulator.close();
  for (const name of ['cp-1', 'worker-1', 'worker-2']) {
    await admin()
      .request({ method: 'DELETE', path: resourcePath(resources.Node, { name }) })
      .catch(() => undefined);
  }
  for (const name of ['web', 'api', 'crash'])
    await forceDelete(resourcePath(resources.Service, { namespace: 'default', name }));
});

describe('Elastic IPs and BGP end to end (kube-vip), on a real API server and the Metal emulator', () => {
  it('gives two Services distinct EIPs, describes BGP on the nodes, then makes no Metal writes in steady state', async () => {
    await createService('web');
    await createService('api');
    const daemon = await run();
    const [web, api] = await eventually(
      async () => {
        const ips = [await ipOf('web'), await ipOf('api')];
        return ips.every((ip) => ip !== undefined) ? ips : undefined;
      },
      30_000,
      'both Services to get an Elastic IP',
    );
    expect(web).not.toBe(api);
    const webService = await service('web');
    expect(webService.spec.loadBalancerIP).toBe(web);
    expect(webService.metadata.annotations?.['kube-vip.io/loadbalancerIPs']).toBe(web);
    expect(webService.metadata.finalizers).toContain('service.kubernetes.io/load-balancer-cleanup');
    expect(reservationsTagged(serviceTag('default', 'web'))).toHaveLength(1);

    const node = await eventually(
      async () => {
        const n = await admin().request<NodeBody>({
          method: 'GET',
          path: resourcePath(resources.Node, { name: 'worker-1' }),
        });
        return n.metadata.annotations?.['metal.equinix.com/bgp-peers-1-peer-ip'] === undefined
          ? undefined
          : n;
      },
      30_000,
      'BGP annotations on worker-1',
    );
    expect(node.metadata.annotations).toMatchObject({
      'metal.equinix.com/node-asn': '65000',
      'metal.equinix.com/peer-asn': '65530',
      'metal.equinix.com/peer-ip': '169.254.255.1,169.254.255.2',
      'metal.equinix.com/src-ip': '10.70.17.11',
      'metal.equinix.com/bgp-pass': Buffer.from(password).toString('base64'),
      'metal.equinix.com/network-4-private': '10.70.17.0/25',
      'metal.equinix.com/bgp-peers-0-peer-ip': '169.254.255.1',
      'metal.equinix.com/bgp-peers-1-peer-ip': '169.254.255.2',
      'metal.equinix.com/bgp-peers-0-node-asn': '65000',
    });
    expect(emulator.counters()).toMatchObject({
      requestBgpConfig: 1,
      createBgpSession: 3,
      requestIPReservation: 2,
    });

    emulator.resetCounters();
    await new Promise((resolve) => setTimeout(resolve, 5000)); // at least two resyncs
    expect(emulator.counters()['findProjectDevices']).toBeGreaterThanOrEqual(2);
    expect(writes()).toEqual([]);
    expect(daemon.output()).not.toContain(password);
    expect(daemon.output()).not.toContain(Buffer.from(password).toString('base64'));
  });

  it('frees exactly the deleted Service’s reservation; another cluster’s survives', async () => {
    const apiIp = await ipOf('api');
    await admin().request({
      method: 'DELETE',
      path: resourcePath(resources.Service, { namespace: 'default', name: 'api' }),
    });
    await eventually(
      () => reservationsTagged(serviceTag('default', 'api')).length === 0,
      20_000,
      'the api reservation released',
    );
    await eventually(
      async () =>
        service('api').then(
          () => false,
          (error: unknown) => (error as { status?: number }).status === 404,
        ),
      20_000,
      'the api Service gone (finalizer removed)',
    );
    expect(reservationsTagged(serviceTag('default', 'web'))).toHaveLength(1);
    expect(reservationsTagged(otherCluster[1]!)).toHaveLength(1);
    expect([...emulator.world.reservations.values()].map((r) => r['address'])).not.toContain(apiIp);
  });

  it('killed right after requesting a reservation, it finds that reservation again instead of asking twice', async () => {
    const [running] = daemons.filter((d) => d.process.exitCode === null);
    emulator.resetCounters();
    // The request waits in the emulator until the daemon is dead: it never hears the answer.
    emulator.inject('requestIPReservation', { kind: 'hold' });
    await createService('crash');
    await eventually(() => emulator.held() === 1, 20_000, 'the reservation request held');
    await running?.kill();
    expect(reservationsTagged(serviceTag('default', 'crash'))).toHaveLength(0);
    emulator.releaseHeld(); // the API carries the request out, to a caller that is gone
    await eventually(
      () => reservationsTagged(serviceTag('default', 'crash')).length === 1,
      5000,
      'the reservation made',
    );
    const restarted = await run();
    const ip = await eventually(
      () => ipOf('crash'),
      30_000,
      'the crash Service to get its Elastic IP',
    );
    expect(reservationsTagged(serviceTag('default', 'crash'))).toEqual([
      expect.objectContaining({ address: ip }),
    ]);
    expect(emulator.counters()['requestIPReservation']).toBe(1);
    expect(reservationsTagged(otherCluster[1]!)).toHaveLength(1);
    expect(await restarted.stop()).toBe(0);
    expect(emulator.violations).toEqual([]);
  });
});
