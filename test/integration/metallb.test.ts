import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

const project = '0f6b7b9e-2c1a-4e6f-9a57-3f0c1c0d6a11';
const nodes = ['cp-1', 'worker-1'];
const controlPlaneEip = '198.51.100.200';

/** The Elastic IP a Service got (the Services get new reservations from the emulator's range). */
async function ipOf(name: string): Promise<string> {
  const s = await admin().request<{ status?: { loadBalancer?: { ingress?: { ip?: string }[] } } }>({
    method: 'GET',
    path: resourcePath(resources.Service, { namespace: 'default', name }),
  });
  return s.status?.loadBalancer?.ingress?.[0]?.ip ?? 'none';
}
let emulator: Emulator;
let daemon: RunningDaemon | undefined;

interface Listed {
  items: {
    metadata: { name: string; labels?: Record<string, string> };
    spec: Record<string, unknown>;
  }[];
}

async function world(): Promise<Emulator> {
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

async function arrange(): Promise<void> {
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

async function removeOneOfEach(): Promise<void> {
  await admin().request({
    method: 'DELETE',
    path: resourcePath(resources.Service, { namespace: 'default', name: 'api' }),
  });
  await admin().request({
    method: 'DELETE',
    path: resourcePath(resources.Node, { name: 'worker-1' }),
  });
}

beforeEach(async () => {
  emulator = await world();
});

afterEach(async () => {
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
  // What MetalLB mode left behind: the next file starts from an empty metallb-system.
  await forceDelete(
    resourcePath(resources.ConfigMap, { namespace: 'metallb-system', name: 'config' }),
  );
  for (const r of [resources.BGPPeer, resources.IPAddressPool, resources.BGPAdvertisement])
    await admin()
      .request({ method: 'DELETE', path: resourcePath(r, { namespace: 'metallb-system' }) })
      .catch(() => undefined);
});

const config = (loadbalancer: string) => ({
  apiKey: 'metallb-token',
  projectID: project,
  metro: 'da',
  loadbalancer,
  eipTag: 'cp-eip',
});

describe('MetalLB end to end, on a real API server with the MetalLB CRDs, and the Metal emulator', () => {
  it('legacy ConfigMap: exactly the expected peers and pools, hand-written entries kept, the control-plane EIP never a pool', async () => {
    const handWritten =
      'peers:\n- my-asn: 64512\n  peer-asn: 64513\n  peer-address: 192.0.2.1\naddress-pools:\n- name: hand-made\n  protocol: bgp\n  addresses:\n  - 192.0.2.128/25\n';
    await admin().request({
      method: 'POST',
      path: resourcePath(resources.ConfigMap, { namespace: 'metallb-system' }),
      body: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'config' },
        data: { config: handWritten },
      },
    });
    await arrange();
    daemon = await startDaemon({
      baseURL: emulator.url,
      config: config('metallb:///metallb-system/config'),
    });
    const document = async () => {
      const cm = await admin().request<{ data: { config: string } }>({
        method: 'GET',
        path: resourcePath(resources.ConfigMap, { namespace: 'metallb-system', name: 'config' }),
      });
      return parse(cm.data.config) as {
        peers: {
          'peer-address': string;
          'node-selectors': { 'match-labels': Record<string, string> }[];
        }[];
        'address-pools': { name: string; addresses: string[] }[];
      };
    };
    const ours = (d: Awaited<ReturnType<typeof document>>) => ({
      peers: d.peers
        .filter((p) => p['peer-address'] !== '192.0.2.1')
        .map(
          (p) =>
            `${p['node-selectors'][0]?.['match-labels']['kubernetes.io/hostname'] ?? ''} ${p['peer-address']}`,
        )
        .sort(),
      pools: d['address-pools']
        .filter((p) => p.name !== 'hand-made')
        .map((p) => `${p.name} ${p.addresses.join()}`)
        .sort(),
    });
    // The pools and the Services' status are written by independent actions of one plan.
    await eventually(
      async () =>
        ours(await document()).pools.length === 2 &&
        ours(await document()).peers.length === 4 &&
        (await ipOf('web')) !== 'none' &&
        (await ipOf('api')) !== 'none',
      30_000,
      'peers, pools and addresses written',
    );
    const [webIp, apiIp] = [await ipOf('web'), await ipOf('api')];
    expect(ours(await document())).toEqual({
      peers: [
        'cp-1 169.254.255.1',
        'cp-1 169.254.255.2',
        'worker-1 169.254.255.1',
        'worker-1 169.254.255.2',
      ],
      pools: [`metal-ccm/default/api ${apiIp}/32`, `metal-ccm/default/web ${webIp}/32`],
    });
    await removeOneOfEach();
    await eventually(
      async () =>
        ours(await document()).pools.length === 1 && ours(await document()).peers.length === 2,
      30_000,
      'their entries gone',
    );
    const final = await document();
    expect(ours(final)).toEqual({
      peers: ['cp-1 169.254.255.1', 'cp-1 169.254.255.2'],
      pools: [`metal-ccm/default/web ${webIp}/32`],
    });
    expect(final.peers.some((p) => p['peer-address'] === '192.0.2.1')).toBe(true);
    expect(final['address-pools'].some((p) => p.name === 'hand-made')).toBe(true);
    expect(JSON.stringify(final['address-pools'])).not.toContain(controlPlaneEip);
    expect(emulator.violations).toEqual([]);
  });

  it('legacy ConfigMap missing: a Warning Event on the namespace, and the Elastic IPs still given', async () => {
    await arrange();
    daemon = await startDaemon({
      baseURL: emulator.url,
      config: config('metallb:///metallb-system/config'),
    });
    await eventually(async () => (await ipOf('web')) !== 'none', 30_000, 'an EIP for web');
    const events = await eventually(
      async () => {
        const list = await admin().request<{
          items: { reason?: string; type?: string; regarding?: { kind?: string; name?: string } }[];
        }>({ method: 'GET', path: '/apis/events.k8s.io/v1/namespaces/default/events' });
        const found = list.items.filter((e) => e.reason === 'MetalLBConfigMapMissing');
        return found.length > 0 ? found : undefined;
      },
      15_000,
      'the Event',
    );
    expect(events[0]).toMatchObject({
      type: 'Warning',
      regarding: { kind: 'Namespace', name: 'metallb-system' },
    });
  });

  it('CRDs: objects the API server accepts, exactly the expected ones, hand-made ones kept, the password only in a Secret', async () => {
    const handPool = {
      apiVersion: 'metallb.io/v1beta1',
      kind: 'IPAddressPool',
      metadata: { name: 'hand-made' },
      spec: { addresses: ['192.0.2.128/25'] },
    };
    await admin().request({
      method: 'POST',
      path: resourcePath(resources.IPAddressPool, { namespace: 'metallb-system' }),
      body: handPool,
    });
    await arrange();
    daemon = await startDaemon({
      baseURL: emulator.url,
      config: config('metallb:///metallb-system?crdConfiguration=true'),
    });
    const list = (r: (typeof resources)[keyof typeof resources]) =>
      admin().request<Listed>({
        method: 'GET',
        path: resourcePath(r, { namespace: 'metallb-system' }),
      });
    const mine = async () => {
      const [peers, pools, adverts] = [
        await list(resources.BGPPeer),
        await list(resources.IPAddressPool),
        await list(resources.BGPAdvertisement),
      ];
      const managed = (l: Listed) =>
        l.items.filter((o) => o.metadata.labels?.['app.kubernetes.io/managed-by'] === 'metal-ccm');
      return {
        peers: managed(peers)
          .map(
            (p) =>
              `${String((p.spec['nodeSelectors'] as { matchLabels: Record<string, string> }[])[0]?.matchLabels['kubernetes.io/hostname'])} ${String(p.spec['peerAddress'])}`,
          )
          .sort(),
        pools: managed(pools)
          .map((p) => String((p.spec['addresses'] as string[])[0]))
          .sort(),
        adverts: managed(adverts).length,
        all: [...peers.items, ...pools.items],
      };
    };
    await eventually(
      async () => (await mine()).peers.length === 4 && (await mine()).pools.length === 2,
      30_000,
      'CRs written',
    );
    const first = await mine();
    const [webIp, apiIp] = [await ipOf('web'), await ipOf('api')];
    expect(first.peers).toEqual([
      'cp-1 169.254.255.1',
      'cp-1 169.254.255.2',
      'worker-1 169.254.255.1',
      'worker-1 169.254.255.2',
    ]);
    expect(first.pools).toEqual([`${apiIp}/32`, `${webIp}/32`].sort());
    expect(first.adverts).toBe(1);
    expect(JSON.stringify(first.all)).not.toContain('Fixture42Secret');
    const secret = await admin().request<{ type: string; data: { password: string } }>({
      method: 'GET',
      path: resourcePath(resources.Secret, {
        namespace: 'metallb-system',
        name: 'metal-ccm-bgp-password',
      }),
    });
    expect(secret.type).toBe('kubernetes.io/basic-auth');
    expect(Buffer.from(secret.data.password, 'base64').toString()).toBe('Fixture42Secret');

    await removeOneOfEach();
    await eventually(
      async () => (await mine()).peers.length === 2 && (await mine()).pools.length === 1,
      30_000,
      'their CRs gone',
    );
    expect((await mine()).pools).toEqual([`${webIp}/32`]);
    expect((await list(resources.IPAddressPool)).items.map((p) => p.metadata.name)).toContain(
      'hand-made',
    );
    expect(JSON.stringify((await list(resources.IPAddressPool)).items)).not.toContain(
      controlPlaneEip,
    );
    expect(daemon.output()).not.toContain('Fixture42Secret');
  });
});
