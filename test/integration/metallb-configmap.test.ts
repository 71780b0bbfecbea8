import { parse } from 'yaml';
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

let emulator: Emulator;
let daemon: RunningDaemon | undefined;

beforeEach(async () => {
  emulator = await startMetalLBEmulator();
});

afterEach(async () => {
  await cleanUp(emulator, daemon);
});

describe('MetalLB by its legacy ConfigMap, end to end, on a real API server and the Metal emulator', () => {
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
});
