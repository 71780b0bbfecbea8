import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resourcePath, resources } from '../../providers/kubernetes/resources.ts';
import type { Emulator } from '../../emulator/emulator.ts';
import { admin, eventually, startDaemon, type RunningDaemon } from '../support/integration.ts';
import {
  arrange,
  cleanUp,
  config,
  controlPlaneEip,
  ipOf,
  removeOneOfEach,
  startMetalLBEmulator,
} from '../support/metallb-world.ts';

interface Listed {
  items: {
    metadata: { name: string; labels?: Record<string, string> };
    spec: Record<string, unknown>;
  }[];
}

let emulator: Emulator;
let daemon: RunningDaemon | undefined;

beforeEach(async () => {
  emulator = await startMetalLBEmulator();
});

afterEach(async () => {
  await cleanUp(emulator, daemon);
});

describe('MetalLB by its CRDs, end to end, on a real API server with the MetalLB CRDs and the Metal emulator', () => {
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
