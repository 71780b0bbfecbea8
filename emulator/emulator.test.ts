import { describe, expect, it } from 'vitest';
import * as client from '../test/support/emulator-calls.ts';
import { syntheticProject as project, syntheticWorld, uuidOf } from './synthetic.ts';

const device0 = uuidOf(1, 0);
const device1 = uuidOf(1, 1);
const emulatorOf = client.useEmulator();
const call = (method: string, path: string, body?: unknown, token?: string) =>
  client.call(emulatorOf(), method, path, body, token);
const enableBgp = () =>
  call('POST', `/projects/${project}/bgp-configs`, {
    deployment_type: 'local',
    asn: 65000,
    md5: 'Abc123Def456',
  });

describe('the Metal API emulator', () => {
  it('refuses a wrong token with 401 and an error body', async () => {
    const answer = await call('GET', `/projects/${project}`, undefined, 'wrong');
    expect(answer).toMatchObject({ status: 401, body: { error: 'Invalid authentication token' } });
    expect(answer.headers.get('content-type')).toBe('application/json');
  });

  it('serves the project, and 404 for another', async () => {
    expect(await call('GET', `/projects/${project}`)).toMatchObject({
      status: 200,
      body: { id: project },
    });
    expect(await call('GET', `/projects/${uuidOf(9, 9)}`)).toMatchObject({
      status: 404,
      body: { error: 'Not found' },
    });
  });

  it('pages devices with meta, 10 by default', async () => {
    emulatorOf().world.devices.clear();
    const many = syntheticWorld({ devices: 12, reservations: 0 }).devices as Record<
      string,
      unknown
    >[];
    for (const d of many) emulatorOf().world.devices.set(String(d['id']), d);
    const first = await call('GET', `/projects/${project}/devices`);
    expect((first.body['devices'] as unknown[]).length).toBe(10);
    expect(first.body['meta']).toMatchObject({
      total: 12,
      current_page: 1,
      last_page: 2,
      next: { href: `/metal/v1/projects/${project}/devices?page=2&per_page=10` },
    });
    const second = await call('GET', `/projects/${project}/devices?page=2&per_page=10`);
    expect((second.body['devices'] as unknown[]).length).toBe(2);
    expect(second.body['meta']).not.toHaveProperty('next');
    expect(second.body['meta']).toHaveProperty('previous');
  });

  it('serves a device, and 404 for an unknown one', async () => {
    expect(await call('GET', `/devices/${device0}`)).toMatchObject({
      status: 200,
      body: { id: device0, hostname: 'node-0' },
    });
    expect((await call('GET', `/devices/${uuidOf(9, 9)}`)).status).toBe(404);
  });

  it('answers an empty BGP config until BGP is requested, then enables it; twice is 422', async () => {
    expect(await call('GET', `/projects/${project}/bgp-config`)).toMatchObject({
      status: 200,
      body: {},
    });
    expect((await enableBgp()).status).toBe(204);
    expect(await call('GET', `/projects/${project}/bgp-config`)).toMatchObject({
      body: { status: 'enabled', asn: 65000, deployment_type: 'local', md5: 'Abc123Def456' },
    });
    expect((await enableBgp()).status).toBe(422);
  });

  it('checks the BGP request: md5 rules, asn', async () => {
    const bad = await call('POST', `/projects/${project}/bgp-configs`, {
      deployment_type: 'local',
      asn: 65000,
      md5: 'short',
    });
    expect(bad).toMatchObject({ status: 422, body: { errors: [expect.stringMatching(/md5/)] } });
    // The conformance check saw the bad request too: it validates what clients send.
    expect(emulatorOf().violations).toEqual([
      expect.stringMatching(
        /^POST \/projects\/\{id\}\/bgp-configs request: \/md5 must match pattern/,
      ),
    ]);
    emulatorOf().clearViolations();
  });

  it('creates BGP sessions once: "already has session" the second time', async () => {
    expect(
      (await call('POST', `/devices/${device0}/bgp/sessions`, { address_family: 'ipv4' })).status,
    ).toBe(422); // BGP off
    await enableBgp();
    expect(
      await call('POST', `/devices/${device0}/bgp/sessions`, { address_family: 'ipv4' }),
    ).toMatchObject({ status: 201, body: { address_family: 'ipv4' } });
    const again = await call('POST', `/devices/${device0}/bgp/sessions`, {
      address_family: 'ipv4',
    });
    expect(again.status).toBe(422);
    expect(JSON.stringify(again.body)).toContain('already has session');
    const sessions = await call('GET', `/projects/${project}/bgp/sessions`);
    expect(
      (sessions.body['bgp_sessions'] as { device: { href: string } }[]).map((s) => s.device.href),
    ).toEqual([`/metal/v1/devices/${device0}`]);
  });

  it('reports a session "unknown" at first, then the per-switch status a test sets over HTTP', async () => {
    await enableBgp();
    await call('POST', `/devices/${device0}/bgp/sessions`, { address_family: 'ipv4' });
    const status = async () =>
      (
        (await call('GET', `/projects/${project}/bgp/sessions`)).body['bgp_sessions'] as {
          status: string;
        }[]
      )[0]?.status;
    expect(await status()).toBe('unknown');
    const set = await fetch(
      `${new URL(emulatorOf().url).origin}/_emulator/sessions/${device0}/status`,
      { method: 'POST', body: 'up,down' },
    );
    expect(set.status).toBe(204);
    expect(await status()).toBe('up,down');
    expect(emulatorOf().world.setSessionStatus(device1, 'up')).toBe(false); // no session there
  });

  it('takes a rotated token and refuses the old one', async () => {
    const old = emulatorOf().token;
    emulatorOf().rotateToken('rotated');
    expect((await call('GET', `/projects/${project}`, undefined, old)).status).toBe(401);
    expect((await call('GET', `/projects/${project}`, undefined, 'rotated')).status).toBe(200);
  });

  it('gives BGP neighbours only with project BGP and a session, and the metadata document agrees', async () => {
    expect(await call('GET', `/devices/${device0}/bgp/neighbors`)).toMatchObject({
      body: { bgp_neighbors: [] },
    });
    await enableBgp();
    await call('POST', `/devices/${device0}/bgp/sessions`, { address_family: 'ipv4' });
    const neighbours = await call('GET', `/devices/${device0}/bgp/neighbors`);
    expect(neighbours.body['bgp_neighbors']).toEqual([
      expect.objectContaining({
        address_family: 4,
        customer_as: 65000,
        customer_ip: '10.0.0.1',
        peer_as: 65530,
        peer_ips: ['169.254.255.1', '169.254.255.2'],
        md5_password: 'Abc123Def456',
      }),
    ]);
    const metadata = (await (await fetch(emulatorOf().metadataUrl(device0))).json()) as Record<
      string,
      unknown
    >;
    expect(metadata).toMatchObject({
      id: device0,
      hostname: 'node-0',
      metro: 'da',
      facility: 'da11',
      plan: 'c3.small.x86',
      bgp_neighbors: neighbours.body['bgp_neighbors'],
    });
    const other = (await (await fetch(emulatorOf().metadataUrl(device1))).json()) as Record<
      string,
      unknown
    >;
    expect(other).not.toHaveProperty('bgp_neighbors');
    expect((await fetch(emulatorOf().metadataUrl(uuidOf(9, 9)))).status).toBe(404);
  });

  it('lists metros and facilities', async () => {
    const metros = await call('GET', '/locations/metros');
    expect((metros.body['metros'] as { code: string }[]).map((m) => m.code)).toContain('da');
    const facilities = await call('GET', '/facilities');
    expect((facilities.body['facilities'] as { code: string }[]).map((f) => f.code)).toContain(
      'da11',
    );
    expect((await call('GET', `/projects/${project}/facilities`)).status).toBe(200);
  });

  it('counts requests per operation, failed ones included', async () => {
    await call('GET', `/projects/${project}`);
    await call('GET', `/projects/${project}`, undefined, 'wrong');
    await call('GET', `/devices/${device0}`);
    expect(emulatorOf().counters()).toEqual({ findProjectById: 2, findDeviceById: 1 });
    emulatorOf().resetCounters();
    expect(emulatorOf().counters()).toEqual({});
  });
});
