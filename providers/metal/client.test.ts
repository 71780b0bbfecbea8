import { describe, expect, it } from 'vitest';
import type { DeviceId, ProjectId } from '../../model/ids.ts';
import { Sensitive } from '../../model/sensitive.ts';
import { baseURL, useHttpMock } from '../../test/support/http-mock.ts';
import { MetalClient } from './client.ts';
import { MetalResponseError, describeStartupFailure } from './errors.ts';
import { MetalTransport } from './transport.ts';

const project = '0f6b7b9e-2c1a-4e6f-9a57-3f0c1c0d6a11' as ProjectId;
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function client(perPage = 1000): MetalClient {
  const transport = new MetalTransport({ baseURL, token: new Sensitive('t'), retries: 0 });
  return new MetalClient(transport, { perPage });
}

function device(n: number) {
  return {
    id: id(n),
    hostname: `node-${n}`,
    state: 'active',
    plan: { slug: 'c3.small.x86' },
    metro: { code: 'DA' },
    facility: { code: 'da11' },
    ip_addresses: [
      {
        address: `10.0.0.${n}`,
        address_family: 4,
        public: false,
        management: true,
        cidr: 31,
        parent_block: { network: '10.0.0.0', cidr: 25 },
      },
    ],
    tags: ['k8s'],
  };
}

function page(n: number, last: number, devices: unknown[]) {
  const href = (p: number) => ({
    href: `/metal/v1/projects/${project}/devices?page=${p}&per_page=2`,
  });
  return {
    devices,
    meta: {
      first: href(1),
      last: href(last),
      self: href(n),
      ...(n < last ? { next: href(n + 1) } : {}),
      previous: n > 1 ? href(n - 1) : null,
      total: 5,
      current_page: n,
      last_page: last,
    },
  };
}

describe('MetalClient', () => {
  const api = useHttpMock();

  it('reads every page of a list, asking for large pages', async () => {
    api()
      .get(`/projects/${project}/devices`)
      .query({ page: 1, per_page: 2 })
      .reply(200, page(1, 3, [device(1), device(2)]));
    api()
      .get(`/projects/${project}/devices`)
      .query({ page: 2, per_page: 2 })
      .reply(200, page(2, 3, [device(3), device(4)]));
    api()
      .get(`/projects/${project}/devices`)
      .query({ page: 3, per_page: 2 })
      .reply(200, page(3, 3, [device(5)]));
    const listed = await client(2).listDevices(project);
    expect(listed.values.map((d) => d.hostname)).toEqual([
      'node-1',
      'node-2',
      'node-3',
      'node-4',
      'node-5',
    ]);
    expect(listed.problems).toEqual([]);
  });

  it('asks for 1000 per page by default and stops at a single page without meta', async () => {
    api()
      .get(`/projects/${project}/devices`)
      .query({ page: 1, per_page: 1000 })
      .reply(200, { devices: [device(1)] });
    expect((await client().listDevices(project)).values).toHaveLength(1);
  });

  it('parses devices into domain values', async () => {
    api()
      .get(`/projects/${project}/devices`)
      .query(true)
      .reply(200, { devices: [device(7)] });
    const [d] = (await client().listDevices(project)).values;
    expect(d).toEqual({
      id: id(7),
      hostname: 'node-7',
      state: 'active',
      planSlug: 'c3.small.x86',
      metro: 'da',
      facility: 'da11',
      tags: ['k8s'],
      addresses: [
        {
          address: '10.0.0.7',
          family: 4,
          public: false,
          management: true,
          cidr: 31,
          parentBlock: { network: '10.0.0.0', cidr: 25 },
        },
      ],
    });
  });

  it('reports an item that does not parse, naming its field, and keeps the rest', async () => {
    const bad = {
      ...device(2),
      ip_addresses: [{ ...device(2).ip_addresses[0], address_family: 'four' }],
    };
    api()
      .get(`/projects/${project}/devices`)
      .query(true)
      .reply(200, { devices: [device(1), bad] });
    const listed = await client().listDevices(project);
    expect(listed.values.map((d) => d.id)).toEqual([id(1)]);
    expect(listed.problems).toEqual([
      {
        subject: `device ${id(2)}`,
        message: 'skipped: device[1].ip_addresses[0].address_family: expected 4 or 6',
      },
    ]);
  });

  it('fails with the field named when a single body does not parse', async () => {
    api().get(`/projects/${project}`).reply(200, { id: 'not-a-uuid' });
    const error = await client()
      .getProject(project)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MetalResponseError);
    expect(String(error)).toContain('findProjectById.id: expected a UUID');
  });

  it('reads an empty BGP config as never requested, and an enabled one with its password hidden', async () => {
    api().get(`/projects/${project}/bgp-config`).reply(200, {});
    expect(await client().getBgpConfig(project)).toEqual({});
    api()
      .get(`/projects/${project}/bgp-config`)
      .reply(200, {
        id: id(9),
        status: 'enabled',
        asn: 65000,
        deployment_type: 'local',
        md5: 'Abc123Def456',
      });
    const config = await client().getBgpConfig(project);
    expect(config).toMatchObject({
      id: id(9),
      status: 'enabled',
      asn: 65000,
      deploymentType: 'local',
    });
    expect(config.md5?.reveal()).toBe('Abc123Def456');
    expect(JSON.stringify(config)).not.toContain('Abc123Def456');
  });

  it('gives undefined for a device that does not exist', async () => {
    api()
      .get(`/devices/${id(3)}`)
      .reply(404, { error: 'Not found' });
    expect(await client().getDevice(id(3) as DeviceId)).toBeUndefined();
  });

  it('lists project BGP sessions with their devices, and neighbours', async () => {
    api()
      .get(`/projects/${project}/bgp/sessions`)
      .reply(200, {
        bgp_sessions: [
          { id: id(5), address_family: 'ipv4', device: { href: `/metal/v1/devices/${id(1)}` } },
        ],
      });
    expect((await client().listBgpSessions(project)).values).toEqual([
      { id: id(5), deviceId: id(1), addressFamily: 'ipv4' },
    ]);
    api()
      .get(`/devices/${id(1)}/bgp/neighbors`)
      .reply(200, {
        bgp_neighbors: [
          {
            address_family: 4,
            customer_as: 65000,
            customer_ip: '10.0.0.1',
            peer_as: 65530,
            peer_ips: ['169.254.255.1', '169.254.255.2'],
            multihop: true,
            md5_enabled: true,
            md5_password: 'Abc123Def456',
          },
        ],
      });
    const [n] = (await client().getBgpNeighbors(id(1) as DeviceId)).values;
    expect(n).toMatchObject({
      addressFamily: 4,
      customerAs: 65000,
      customerIp: '10.0.0.1',
      peerAs: 65530,
      peerIps: ['169.254.255.1', '169.254.255.2'],
      multihop: true,
    });
    expect(n?.md5Password?.reveal()).toBe('Abc123Def456');
  });

  it('lists reservations with their assignments', async () => {
    const reservation = {
      id: id(8),
      type: 'public_ipv4',
      address: '198.51.100.16',
      cidr: 32,
      state: 'created',
      tags: ['usage=cloud-provider-equinix-metal-auto'],
      metro: { code: 'da' },
      assignments: [
        { id: id(9), href: `/ips/${id(9)}`, assigned_to: { href: `/devices/${id(1)}` } },
      ],
    };
    api()
      .get(`/projects/${project}/ips`)
      .query({ include: 'assignments', page: 1, per_page: 1000 })
      .reply(200, { ip_addresses: [reservation] });
    const [r] = (await client().listReservations(project)).values;
    expect(r).toEqual({
      id: id(8),
      type: 'public_ipv4',
      address: '198.51.100.16',
      cidr: 32,
      state: 'created',
      tags: reservation.tags,
      metro: 'da',
      assignments: [{ id: id(9), deviceId: id(1) }],
    });
  });

  it('explains a refused token or unknown project at start-up', async () => {
    api().get(`/projects/${project}`).reply(401, { error: 'Invalid authentication token' });
    expect(
      describeStartupFailure(
        await client()
          .getProject(project)
          .catch((e: unknown) => e),
      ),
    ).toMatch(/refused the credentials \(401\): check the API key/);
    api().get(`/projects/${project}`).reply(404, { error: 'Not found' });
    expect(
      describeStartupFailure(
        await client()
          .getProject(project)
          .catch((e: unknown) => e),
      ),
    ).toMatch(/does not know the project/);
  });
});
