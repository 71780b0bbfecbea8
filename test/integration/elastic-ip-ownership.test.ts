import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metalWorldSchema } from '../../providers/fixture/metal.ts';
import { resourcePath, resources } from '../../providers/kubernetes/resources.ts';
import { startEmulator, type Emulator } from '../../emulator/emulator.ts';
import { serviceTag } from '../../model/marks/tags.ts';
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

interface ServiceBody {
  metadata: {
    name: string;
    finalizers?: string[];
    annotations?: Record<string, string>;
    deletionTimestamp?: string;
  };
  spec: { loadBalancerIP?: string };
  status?: { loadBalancer?: { ingress?: { ip?: string }[] } };
}

const project = '0f6b7b9e-2c1a-4e6f-9a57-3f0c1c0d6a11';
const token = 'ownership-token';
const kubeVip = 'kube-vip.io/loadbalancerIPs';
const otherCluster = [
  'usage=cloud-provider-equinix-metal-auto',
  'service=c29tZW9uZSBlbHNl',
  'cluster=d00dfeed-0000-4000-8000-000000000002',
];
let emulator: Emulator;
let daemon: RunningDaemon | undefined;
const created: string[] = [];

const path = (name: string): string =>
  resourcePath(resources.Service, { namespace: 'default', name });
const get = (name: string): Promise<ServiceBody> =>
  admin().request<ServiceBody>({ method: 'GET', path: path(name) });
const gone = (name: string): Promise<boolean> =>
  get(name).then(
    () => false,
    (error: unknown) => (error as { status?: number }).status === 404,
  );
const ipOf = async (name: string): Promise<string | undefined> =>
  (await get(name)).status?.loadBalancer?.ingress?.[0]?.ip;
const reservationAt = (address: string) =>
  [...emulator.world.reservations.values()].find((r) => r['address'] === address);
/** Whether the reservation of this id still exists (a released address may be handed out again). */
const exists = (id: unknown): boolean =>
  [...emulator.world.reservations.values()].some((r) => r['id'] === id);
const warning = (name: string, reason: string) =>
  eventually(() => eventWith('default', 'Service', name, reason), 30_000, `${reason} on ${name}`);

async function create(
  name: string,
  spec: { loadBalancerIP?: string } = {},
  annotations?: Record<string, string>,
): Promise<void> {
  created.push(name);
  if (annotations === undefined) {
    await createLoadBalancerService(admin(), name, spec);
    return;
  }
  await admin().request({
    method: 'POST',
    path: resourcePath(resources.Service, { namespace: 'default' }),
    body: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, annotations },
      spec: { type: 'LoadBalancer', ports: [{ port: 80 }], ...spec },
    },
  });
}

const remove = (name: string): Promise<unknown> =>
  admin().request({ method: 'DELETE', path: path(name) });

/** A reservation of the project made outside the CCM, with `tags`; its address. */
async function reserve(tags: string[]): Promise<string> {
  const answer = await fetch(`${emulator.url}/projects/${project}/ips`, {
    method: 'POST',
    headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' },
    body: JSON.stringify({ type: 'public_ipv4', quantity: 1, metro: 'da', tags }),
  });
  return ((await answer.json()) as { address: string }).address;
}

/** A Service the CCM refused: nothing of the CCM's on it. */
async function untouched(name: string): Promise<void> {
  const s = await get(name);
  expect(s.metadata.finalizers ?? []).toEqual([]);
  expect(s.status?.loadBalancer?.ingress ?? []).toEqual([]);
}

beforeAll(async () => {
  const world = metalWorldSchema.parse(
    JSON.parse(await readFile('fixtures/lb-fresh/metal.json', 'utf8')),
  );
  emulator = await startEmulator({ world, token });
  daemon = await startDaemon({
    baseURL: emulator.url,
    config: { apiKey: token, projectID: project, metro: 'da', loadbalancer: 'kube-vip://' },
  });
});

afterAll(async () => {
  await daemon?.kill();
  await emulator.close();
  for (const name of created) await forceDelete(path(name));
});

describe('an Elastic IP belongs to one Service, end to end (kube-vip, real API server, emulator)', () => {
  it('refuses a Service naming another’s address; deleting the owner releases it, never to the other', async () => {
    const owner = unique('owner');
    const thief = unique('thief');
    await create(owner);
    const address = await eventually(() => ipOf(owner), 30_000, 'the owner’s Elastic IP');
    await create(thief, { loadBalancerIP: address });
    const refused = await warning(thief, 'ElasticIPInUse');
    expect(refused.type).toBe('Warning');
    expect(refused.note).toContain(`is the Elastic IP of Service default/${owner}`);
    await untouched(thief);

    const id = reservationAt(address)?.['id'];
    await remove(owner);
    await eventually(() => gone(owner), 30_000, 'the owner gone');
    expect(exists(id)).toBe(false);
    const unknown = await warning(thief, 'ElasticIPUnknown');
    expect(unknown.note).toContain(address);
    await untouched(thief);
  });

  it('holds the owner’s reservation while another Service still shows its address, and says why', async () => {
    const owner = unique('holder-owner');
    const other = unique('holder-other');
    await create(owner);
    const address = await eventually(() => ipOf(owner), 30_000, 'the owner’s Elastic IP');
    await create(other, {}, { [kubeVip]: address });
    expect((await warning(other, 'ElasticIPInUse')).note).toContain(`Service default/${owner}`);

    const id = reservationAt(address)?.['id'];
    await remove(owner);
    const waiting = await warning(owner, 'ElasticIPReleaseWaiting');
    expect(waiting.note).toContain(`Service default/${other} (annotation ${kubeVip})`);
    await warning(other, 'ElasticIPReleaseWaiting');
    await new Promise((resolve) => setTimeout(resolve, 3000)); // a resync or two: still held
    expect(exists(id)).toBe(true);
    expect((await get(owner)).metadata.deletionTimestamp).toBeDefined();

    await admin().request({
      method: 'PATCH',
      path: path(other),
      contentType: 'application/merge-patch+json',
      body: { metadata: { annotations: { [kubeVip]: null } } },
    });
    await eventually(() => gone(owner), 30_000, 'the owner gone once nobody shows its address');
    expect(exists(id)).toBe(false);
  });

  it('never adopts a reservation tagged for another cluster', async () => {
    const address = await reserve(otherCluster);
    const borrower = unique('borrower');
    await create(borrower, { loadBalancerIP: address });
    expect((await warning(borrower, 'ElasticIPForeign')).note).toMatch(/another cluster/);
    await untouched(borrower);
    expect(reservationAt(address)?.['tags']).toEqual(otherCluster);
  });

  it('gives a bring-your-own address to the older of two Services, and to the other once it goes', async () => {
    const address = await reserve(['team=shop']);
    const older = unique('shop-z');
    const newer = unique('shop-a'); // first by name: only its age puts it second
    await create(older, { loadBalancerIP: address });
    await new Promise((resolve) => setTimeout(resolve, 1100)); // creationTimestamp has seconds
    await create(newer, { loadBalancerIP: address });
    expect(await eventually(() => ipOf(older), 30_000, 'the older to get it')).toBe(address);
    expect((await warning(newer, 'ElasticIPInUse')).note).toContain(`Service default/${older}`);
    await untouched(newer);

    await remove(older);
    await eventually(() => gone(older), 30_000, 'the older gone');
    expect(await eventually(() => ipOf(newer), 30_000, 'the newer to get it next')).toBe(address);
    expect(reservationAt(address)?.['tags']).toEqual(['team=shop']); // never released or tagged
    expect(
      [...emulator.world.reservations.values()].filter((r) =>
        (r['tags'] as string[]).includes(serviceTag('default', newer)),
      ),
    ).toEqual([]); // and no reservation requested for it meanwhile
    expect(emulator.violations).toEqual([]);
  });
});
