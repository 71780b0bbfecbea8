import { describe, expect, it } from 'vitest';
import * as client from '../test/support/emulator-calls.ts';
import { syntheticProject as project, uuidOf } from './synthetic.ts';
import { hrefId } from './world.ts';

const device0 = uuidOf(1, 0);
const device1 = uuidOf(1, 1);
const emulatorOf = client.useEmulator();
const call = (method: string, path: string, body?: unknown, token?: string) =>
  client.call(emulatorOf(), method, path, body, token);
const reserve = (body?: Record<string, unknown>) => client.reserve(emulatorOf(), body);

describe('the Metal API emulator: IP reservations and assignments', () => {
  it('lists reservations with assignments expanded only when asked', async () => {
    const created = await reserve();
    const address = created.body['address'] as string;
    await call('POST', `/devices/${device0}/ips`, { address });
    const plain = await call('GET', `/projects/${project}/ips`);
    const mine = (plain.body['ip_addresses'] as Record<string, unknown>[]).find(
      (r) => r['address'] === address,
    )!;
    expect(mine['assignments']).toEqual([{ href: expect.stringMatching(/^\/metal\/v1\/ips\//) }]);
    const full = await call('GET', `/projects/${project}/ips?include=assignments`);
    const expanded = (full.body['ip_addresses'] as Record<string, unknown>[]).find(
      (r) => r['address'] === address,
    )!;
    expect(expanded['assignments']).toEqual([
      expect.objectContaining({ address, assigned_to: { href: `/metal/v1/devices/${device0}` } }),
    ]);
    // The two seeded, the new one, and the devices' own blocks (three each, management: true).
    expect((full.body['meta'] as Record<string, unknown>)['total']).toBe(3 + 3 * 3);
    const management = (full.body['ip_addresses'] as Record<string, unknown>[]).filter(
      (r) => r['management'] === true,
    );
    expect(management.map((r) => r['type']).sort()).toEqual(
      ['private_ipv4', 'public_ipv4', 'public_ipv6'].flatMap((t) => [t, t, t]),
    );
    // Each assigned to its device, at one of the device's own addresses.
    for (const block of management) {
      const [assignment] = block['assignments'] as { address: string; assigned_to: unknown }[];
      const device = emulatorOf().world.devices.get(hrefId(assignment?.assigned_to));
      expect((device?.['ip_addresses'] as { address: string }[]).map((a) => a.address)).toContain(
        assignment?.address,
      );
    }
  });

  it('filters reservations by types in both forms', async () => {
    // Public IPv4: the two seeded and the three devices' management blocks; and one global.
    await reserve({ type: 'global_ipv4', metro: undefined });
    expect(
      (
        (await call('GET', `/projects/${project}/ips?types=global_ipv4`)).body[
          'ip_addresses'
        ] as unknown[]
      ).length,
    ).toBe(1);
    expect(
      (
        (await call('GET', `/projects/${project}/ips?types=global_ipv4,public_ipv4`)).body[
          'ip_addresses'
        ] as unknown[]
      ).length,
    ).toBe(6);
    expect(
      (
        (await call('GET', `/projects/${project}/ips?types=global_ipv4&types=public_ipv4`)).body[
          'ip_addresses'
        ] as unknown[]
      ).length,
    ).toBe(6);
  });

  it('reserves /32s from its range with their tags, and validates the request', async () => {
    const created = await reserve({
      tags: ['usage=cloud-provider-equinix-metal-auto', 'cluster=c'],
    });
    expect(created).toMatchObject({
      status: 201,
      body: {
        state: 'created',
        address: '127.0.100.1',
        cidr: 32,
        tags: ['usage=cloud-provider-equinix-metal-auto', 'cluster=c'],
        metro: { code: 'da' },
      },
    });
    expect((await reserve({ metro: undefined })).status).toBe(422);
    expect((await reserve({ quantity: 3 })).status).toBe(422);
  });

  it('keeps a request over quota pending (or refuses it when asked to), until approved', async () => {
    // The synthetic project holds 2 addresses; the quota is 4.
    await reserve();
    await reserve();
    expect((await reserve({ fail_on_approval_required: true })).status).toBe(422);
    const pending = await reserve();
    expect(pending.body).toMatchObject({ state: 'pending' });
    expect(pending.body).not.toHaveProperty('address');
    // Equinix staff approve it: it gets an address.
    expect(emulatorOf().world.approve(String(pending.body['id']))).toBe(true);
    expect(await call('GET', `/ips/${String(pending.body['id'])}`)).toMatchObject({
      body: { state: 'created', address: expect.any(String) },
    });
  });

  it('counts what approvals take and deletions give back against the quota', async () => {
    // The synthetic project holds 2 addresses; the quota is 4.
    const first = await reserve();
    const second = await reserve();
    const pending = await reserve();
    expect(emulatorOf().world.approve(String(pending.body['id']))).toBe(true); // 5 of 4
    expect((await reserve()).body).toMatchObject({ state: 'pending' });
    await call('DELETE', `/ips/${String(first.body['id'])}`);
    expect((await reserve()).body).toMatchObject({ state: 'pending' }); // 4 of 4
    await call('DELETE', `/ips/${String(second.body['id'])}`);
    const created = await reserve(); // 3 of 4
    expect(created.body).toMatchObject({ state: 'created' });
    const held = [...emulatorOf().world.reservations.values()].map((r) => r['address']);
    expect(held.filter((a) => a === created.body['address'])).toHaveLength(1);
  });

  it('gets, assigns, unassigns and deletes a reservation (with its assignments)', async () => {
    const created = await reserve();
    const id = String(created.body['id']);
    expect(await call('GET', `/ips/${id}`)).toMatchObject({
      status: 200,
      body: { id, type: 'public_ipv4' },
    });
    const assignment = await call('POST', `/devices/${device1}/ips`, {
      address: `${String(created.body['address'])}/32`,
    });
    expect(assignment).toMatchObject({
      status: 201,
      body: {
        public: true,
        management: false,
        cidr: 32,
        assigned_to: { href: `/metal/v1/devices/${device1}` },
      },
    });
    const assignmentId = String(assignment.body['id']);
    expect(await call('GET', `/ips/${assignmentId}`)).toMatchObject({
      status: 200,
      body: { id: assignmentId },
    });
    expect((await call('DELETE', `/ips/${assignmentId}`)).status).toBe(204);
    expect(
      ((await call('GET', `/devices/${device1}/ips`)).body['ip_addresses'] as { id: string }[]).map(
        (a) => a.id,
      ),
    ).not.toContain(assignmentId);
    await call('POST', `/devices/${device1}/ips`, { address: String(created.body['address']) });
    expect((await call('DELETE', `/ips/${id}`)).status).toBe(204);
    expect((await call('GET', `/ips/${id}`)).status).toBe(404);
    expect(
      (
        (await call('GET', `/devices/${device1}/ips`)).body['ip_addresses'] as { address: string }[]
      ).map((a) => a.address),
    ).not.toContain(created.body['address']);
    expect((await call('DELETE', `/ips/${id}`)).status).toBe(404);
  });

  it('refuses to assign an unknown, pending or already assigned address', async () => {
    expect((await call('POST', `/devices/${device0}/ips`, { address: '192.0.2.1' })).status).toBe(
      422,
    );
    const created = await reserve();
    const address = String(created.body['address']);
    expect((await call('POST', `/devices/${device0}/ips`, { address })).status).toBe(201);
    expect((await call('POST', `/devices/${device1}/ips`, { address })).status).toBe(422);
    expect((await call('POST', `/devices/${uuidOf(9, 9)}/ips`, { address })).status).toBe(404);
  });
});
