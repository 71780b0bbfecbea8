import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActionId } from '../../model/ids.ts';
import type { MetalRequest, MetalRequestAction } from '../../model/plan.ts';
import { Sensitive } from '../../model/sensitive.ts';
import { startEmulator, type Emulator } from '../../emulator/emulator.ts';
import { syntheticProject as project, syntheticWorld, uuidOf } from '../../emulator/synthetic.ts';
import { MetalClient } from './client.ts';
import { MetalApiError } from './errors.ts';
import { metalExecutor } from './executor.ts';
import { MetalTransport } from './transport.ts';

let emulator: Emulator;
let execute: (action: MetalRequestAction) => Promise<object>;

beforeEach(async () => {
  emulator = await startEmulator({
    world: syntheticWorld({ devices: 2, reservations: 1, bgp: true }),
  });
  const transport = new MetalTransport({
    baseURL: emulator.url,
    token: new Sensitive(emulator.token),
    retries: 2,
    backoffBaseMs: 1,
  });
  execute = metalExecutor(new MetalClient(transport));
});

afterEach(async () => {
  expect(emulator.violations).toEqual([]);
  await emulator.close();
});

const action = (request: MetalRequest): MetalRequestAction => ({
  id: 'a' as ActionId,
  kind: 'metal.request',
  area: 'bgp',
  operation: 'create',
  target: 'test',
  reason: 'test',
  event: 'Test',
  changes: [],
  dependsOn: [],
  request,
});

describe('metalExecutor', () => {
  it('sends the request of the plan, secrets revealed only on the wire', async () => {
    const fresh = await startEmulator({ world: syntheticWorld({ devices: 1, reservations: 0 }) });
    const client = new MetalClient(
      new MetalTransport({ baseURL: fresh.url, token: new Sensitive(fresh.token) }),
    );
    await metalExecutor(client)(
      action({
        operation: 'requestBgpConfig',
        method: 'POST',
        path: `/projects/${project}/bgp-configs`,
        body: { deployment_type: 'local', asn: 65000, md5: new Sensitive('Abc123Def456') },
      }),
    );
    expect(fresh.world.bgpConfig).toMatchObject({ status: 'enabled', md5: 'Abc123Def456' });
    expect(fresh.violations).toEqual([]);
    await fresh.close();
  });

  it('counts an existing BGP session as done', async () => {
    const create = action({
      operation: 'createBgpSession',
      method: 'POST',
      path: `/devices/${uuidOf(1, 0)}/bgp/sessions`,
      body: { address_family: 'ipv4' },
    });
    // The answer is an error, which says nothing of the session: the next loop lists the sessions.
    await expect(execute(create)).resolves.toEqual({
      metal: { kind: 'unfolded', why: 'the device already had its session' },
    });
    expect(emulator.counters()['createBgpSession']).toBe(1);
  });

  it('counts deleting what is gone already as done', async () => {
    const remove = action({
      operation: 'deleteIPAddress',
      method: 'DELETE',
      path: `/ips/${uuidOf(5, 0)}`,
    });
    await execute(remove);
    await expect(execute(remove)).resolves.toEqual({
      metal: { kind: 'deleted', id: uuidOf(5, 0) },
    });
    expect(emulator.world.reservations.has(uuidOf(5, 0))).toBe(false);
  });

  it('retries an idempotent request after a 5xx, never a reservation request', async () => {
    emulator.inject('deleteIPAddress', { kind: 'status', status: 502 });
    await execute(
      action({ operation: 'deleteIPAddress', method: 'DELETE', path: `/ips/${uuidOf(5, 0)}` }),
    );
    expect(emulator.counters()['deleteIPAddress']).toBe(2);

    emulator.inject('requestIPReservation', { kind: 'lose-response' });
    const reserve = action({
      operation: 'requestIPReservation',
      method: 'POST',
      path: `/projects/${project}/ips`,
      body: { type: 'public_ipv4', quantity: 1, metro: 'da', tags: ['t'] },
    });
    await expect(execute(reserve)).rejects.toBeInstanceOf(MetalApiError);
    // The write happened once; the next loop finds it by its tags.
    expect(emulator.counters()['requestIPReservation']).toBe(1);
    expect(
      [...emulator.world.reservations.values()].filter((r) =>
        (r['tags'] as string[]).includes('t'),
      ),
    ).toHaveLength(1);
  });

  it('fails with the API’s message otherwise', async () => {
    const bad = action({
      operation: 'createIPAssignment',
      method: 'POST',
      path: `/devices/${uuidOf(1, 0)}/ips`,
      body: { address: '192.0.2.1' },
    });
    await expect(execute(bad)).rejects.toThrow(/422: Address 192.0.2.1 is not in a reservation/);
  });
});
