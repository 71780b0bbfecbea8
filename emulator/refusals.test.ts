import { describe, expect, it } from 'vitest';
import * as client from '../test/support/emulator-calls.ts';
import { syntheticProject as project, uuidOf } from './synthetic.ts';

const device0 = uuidOf(1, 0);
const emulatorOf = client.useEmulator();
const call = (method: string, path: string, body?: unknown) =>
  client.call(emulatorOf(), method, path, body);
const reserve = (body?: Record<string, unknown>) => client.reserve(emulatorOf(), body);

/** The violations a test provoked on purpose, then forgotten (the suite asserts none are left). */
function takeViolations(): string[] {
  const taken = [...emulatorOf().violations];
  emulatorOf().clearViolations();
  return taken;
}

describe('the emulator refuses what the API refuses', () => {
  it('answers a null, list or scalar body with 422 and the Error body on every write', async () => {
    const writes = [
      `/projects/${project}/bgp-configs`,
      `/devices/${device0}/bgp/sessions`,
      `/projects/${project}/ips`,
      `/devices/${device0}/ips`,
    ];
    for (const path of writes)
      for (const body of ['null', '[]', '5', '"x"', '{not json'])
        expect(await call('POST', path, body), `${path} ${body}`).toMatchObject({
          status: 422,
          body: { errors: [expect.any(String)] },
        });
    // What the clients sent broke the request schemas (the answers did not break theirs).
    expect(takeViolations().every((v) => v.includes(' request: '))).toBe(true);
  });

  it('refuses to assign an address that is not IPv4', async () => {
    for (const address of ['2001:db8::1', 'not-an-ip', '300.1.1.1', '198.51.100.1/xx/2'])
      expect(await call('POST', `/devices/${device0}/ips`, { address }), address).toMatchObject({
        status: 422,
        body: { errors: [expect.stringMatching(/not an IPv4 address/)] },
      });
  });

  it('checks the types of a reservation request and does not echo a bad one back', async () => {
    const before = emulatorOf().world.reservations.size;
    for (const bad of [
      { customdata: 'x' },
      { details: 5 },
      { tags: [1, {}] },
      { tags: 'usage=x' },
      { comments: false },
      { metro: 'zz' },
      { metro: undefined, facility: 'zz1' },
    ])
      expect((await reserve(bad)).status, JSON.stringify(bad)).toBe(422);
    expect(emulatorOf().world.reservations.size).toBe(before);
    takeViolations(); // the bad types broke the request schema, as intended
    expect(
      await reserve({ customdata: { owner: 'me' }, details: 'mine', tags: ['a', 'b'] }),
    ).toMatchObject({
      status: 201,
      body: { customdata: { owner: 'me' }, details: 'mine', tags: ['a', 'b'] },
    });
    expect((await reserve({ metro: 'DA' })).status).toBe(201); // codes are case-insensitive
  });

  it('keeps default_route of a BGP session, and refuses one that is not a boolean', async () => {
    await call('POST', `/projects/${project}/bgp-configs`, {
      deployment_type: 'local',
      asn: 65000,
    });
    const path = `/devices/${device0}/bgp/sessions`;
    expect(
      (await call('POST', path, { address_family: 'ipv4', default_route: 'yes' })).status,
    ).toBe(422);
    takeViolations();
    expect(await call('POST', path, { address_family: 'ipv4', default_route: true })).toMatchObject(
      { status: 201, body: { default_route: true } },
    );
    const neighbours = await call('GET', `/devices/${device0}/bgp/neighbors`);
    expect(neighbours.body['bgp_neighbors']).toEqual([
      expect.objectContaining({ routes_out: [{ route: '0.0.0.0/0', exact: true }] }),
    ]);
  });

  it('counts a handler that throws as a violation, and still answers', async () => {
    // A reservation whose network is not an address makes the assignment handler throw.
    emulatorOf().world.reservations.set(uuidOf(8, 1), {
      id: uuidOf(8, 1),
      type: 'public_ipv4',
      address_family: 4,
      network: 'garbage',
      cidr: 32,
      state: 'created',
    });
    const answer = await call('POST', `/devices/${device0}/ips`, { address: '192.0.2.1' });
    expect(answer.status).toBe(500);
    expect(takeViolations()).toEqual([
      expect.stringMatching(/^POST \/metal\/v1\/devices\/.*\/ips: the handler threw .*garbage/),
    ]);
  });
});
