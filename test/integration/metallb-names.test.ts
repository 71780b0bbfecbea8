import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passwordSecretNames } from '../../model/marks/metallb.ts';
import { metalWorldSchema } from '../../providers/fixture/metal.ts';
import { resourcePath, resources } from '../../providers/kubernetes/resources.ts';
import { startEmulator, type Emulator } from '../../emulator/emulator.ts';
import { eventWith } from '../support/events.ts';
import {
  admin,
  eventually,
  forceDelete,
  startDaemon,
  unique,
  type RunningDaemon,
} from '../support/integration.ts';
import { createLoadBalancerService } from '../support/kube-rest.ts';

const namespace = 'metallb-system';
const nodes = ['cp-1', 'worker-1'];
const service = unique('names-web');
const token = 'metallb-names-token';
const managedBy = 'app.kubernetes.io/managed-by';
let emulator: Emulator;
let daemon: RunningDaemon | undefined;

interface Obj {
  metadata: { name: string; resourceVersion?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

const list = async (r: (typeof resources)[keyof typeof resources]): Promise<Obj[]> =>
  (await admin().request<{ items: Obj[] }>({ method: 'GET', path: resourcePath(r, { namespace }) }))
    .items;
const get = (r: (typeof resources)[keyof typeof resources], name: string): Promise<Obj> =>
  admin().request<Obj>({ method: 'GET', path: resourcePath(r, { namespace, name }) });
const ours = (o: Obj): boolean => o.metadata.labels?.[managedBy] === 'metal-ccm';

/** What MetalLB's namespace may hold of earlier runs, and of this one. */
async function clean(): Promise<void> {
  for (const r of [resources.BGPPeer, resources.IPAddressPool, resources.BGPAdvertisement])
    await admin()
      .request({ method: 'DELETE', path: resourcePath(r, { namespace }) })
      .catch(() => undefined);
  for (const name of passwordSecretNames)
    await forceDelete(resourcePath(resources.Secret, { namespace, name }));
}

// The user's own objects, with the names the CCM would use, without its label.
const theirAdvertisement = {
  apiVersion: 'metallb.io/v1beta1',
  kind: 'BGPAdvertisement',
  metadata: { name: 'metal-ccm', labels: { team: 'network' } },
  spec: { ipAddressPoolSelectors: [{ matchLabels: { team: 'network' } }] },
};
const theirSecret = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: passwordSecretNames[0], labels: { team: 'network' } },
  type: 'kubernetes.io/basic-auth',
  data: { password: Buffer.from('TheirOwnPass1').toString('base64') },
};

beforeAll(async () => {
  await clean();
  const world = metalWorldSchema.parse(
    JSON.parse(await readFile('fixtures/lb-converged/metal.json', 'utf8')),
  );
  emulator = await startEmulator({ world, token });
  for (const body of [theirAdvertisement, theirSecret])
    await admin().request({
      method: 'POST',
      path: resourcePath(body.kind === 'Secret' ? resources.Secret : resources.BGPAdvertisement, {
        namespace,
      }),
      body,
    });
  for (const name of nodes)
    await admin().request({
      method: 'POST',
      path: resourcePath(resources.Node),
      body: { apiVersion: 'v1', kind: 'Node', metadata: { name } },
    });
  await createLoadBalancerService(admin(), service);
  daemon = await startDaemon({
    baseURL: emulator.url,
    config: {
      apiKey: token,
      projectID: '0f6b7b9e-2c1a-4e6f-9a57-3f0c1c0d6a11',
      metro: 'da',
      loadbalancer: `metallb:///${namespace}?crdConfiguration=true`,
    },
  });
});

afterAll(async () => {
  await daemon?.kill();
  await emulator.close();
  for (const name of nodes)
    await admin()
      .request({ method: 'DELETE', path: resourcePath(resources.Node, { name }) })
      .catch(() => undefined);
  await forceDelete(resourcePath(resources.Service, { namespace: 'default', name: service }));
  await clean();
});

describe('MetalLB names that cannot collide, end to end (CRDs on a real API server)', () => {
  it('leaves the user’s BGPAdvertisement metal-ccm and Secret alone, refers to neither, and says so', async () => {
    const before = {
      advertisement: await get(resources.BGPAdvertisement, 'metal-ccm'),
      secret: await get(resources.Secret, passwordSecretNames[0]!),
    };
    const advertisement = await eventually(
      async () => (await list(resources.BGPAdvertisement)).find(ours),
      30_000,
      'the CCM’s own BGPAdvertisement',
    );
    expect(advertisement.metadata.name).not.toBe('metal-ccm');
    const peers = await eventually(
      async () => {
        const found = (await list(resources.BGPPeer)).filter(ours);
        return found.length === 4 ? found : undefined;
      },
      30_000,
      'the CCM’s peers',
    );
    for (const p of peers)
      expect(p.spec?.['passwordSecret']).toEqual({ name: passwordSecretNames[1], namespace });
    const secret = await get(resources.Secret, passwordSecretNames[1]!);
    expect(ours(secret)).toBe(true);
    expect(Buffer.from(secret.data?.['password'] ?? '', 'base64').toString()).toBe(
      'Fixture42Secret',
    );

    // Theirs: untouched.
    expect(await get(resources.BGPAdvertisement, 'metal-ccm')).toEqual(before.advertisement);
    expect(await get(resources.Secret, passwordSecretNames[0]!)).toEqual(before.secret);

    // A Warning Event on each of theirs and on the Service the CCM announces.
    for (const [kind, name] of [
      ['BGPAdvertisement', 'metal-ccm'],
      ['Secret', passwordSecretNames[0]!],
    ] as const) {
      const event = await eventually(
        () => eventWith(namespace, kind, name, 'MetalLBNameTaken'),
        30_000,
        `MetalLBNameTaken on ${kind} ${name}`,
      );
      expect(event.type).toBe('Warning');
      expect(event.note).toContain('never referred to');
    }
    const onService = await eventually(
      () => eventWith('default', 'Service', service, 'MetalLBNameTaken'),
      30_000,
      'MetalLBNameTaken on the Service',
    );
    expect(onService.type).toBe('Warning');
    expect(daemon!.output()).not.toContain('Fixture42Secret');
    expect(daemon!.output()).not.toContain('TheirOwnPass1');
  });
});
