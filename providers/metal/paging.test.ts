import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { ProjectId } from '../../model/ids.ts';
import { Sensitive } from '../../model/sensitive.ts';
import { baseURL, useHttpMock } from '../../test/support/http-mock.ts';
import { MetalClient } from './client.ts';
import { MetalTransport } from './transport.ts';

const project = '0f6b7b9e-2c1a-4e6f-9a57-3f0c1c0d6a11' as ProjectId;
const path = `/projects/${project}/ips`;
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function client(options: { perPage?: number; pageCap?: number } = {}): MetalClient {
  const transport = new MetalTransport({ baseURL, token: new Sensitive('t'), retries: 0 });
  return new MetalClient(transport, { perPage: 2, ...options });
}

const reservation = (n: number, extra: object = {}) => ({
  id: id(n),
  type: 'public_ipv4',
  address: `198.51.100.${String(n)}`,
  cidr: 32,
  state: 'created',
  tags: [],
  assignments: [],
  ...extra,
});

/** A device's own block, as a real project lists it among the reservations. */
const management = (n: number) =>
  reservation(n, {
    type: 'private_ipv4',
    address: `10.0.0.${String(n)}`,
    cidr: 31,
    management: true,
    assignments: [{ id: id(900 + n), assigned_to: { href: `/metal/v1/devices/${id(500)}` } }],
  });

/** Answers every page from `pageOf(page)`: items and meta as the test wants them. */
function serve(
  api: ReturnType<ReturnType<typeof useHttpMock>>,
  pageOf: (page: number) => object,
  times: number,
) {
  api
    .get(path)
    .query(true)
    .times(times)
    .reply((request: unknown) => {
      // nock 15 hands the reply function the request itself.
      const page = Number(new URL((request as Request).url).searchParams.get('page'));
      return [200, pageOf(page)];
    });
}

const read = (c: MetalClient) =>
  c.listReservations(project).then(
    (listed) => listed,
    (error: unknown) => (error as Error).message,
  );

describe('paging within bounds', () => {
  const api = useHttpMock();

  it('reads past the devices’ management blocks on every page and leaves them out', async () => {
    const pages = [
      [management(1), management(2)],
      [management(3), reservation(4)],
      [reservation(5)],
    ];
    serve(
      api(),
      (p) => ({ ip_addresses: pages[p - 1], meta: { current_page: p, last_page: 3, total: 5 } }),
      3,
    );
    const listed = await client().listReservations(project);
    expect(listed.values.map((r) => r.id)).toEqual([id(4), id(5)]);
    expect(listed.problems).toEqual([]);
  });

  it('fails a page that does not advance, naming the operation', async () => {
    serve(
      api(),
      () => ({
        ip_addresses: [reservation(1), reservation(2)],
        meta: { current_page: 1, last_page: 3 },
      }),
      2,
    );
    expect(await read(client())).toBe(
      'Metal API findIPReservations answered with an unexpected body: paging stopped at page 2: the API answered page 1: the pages do not advance',
    );
  });

  it('fails a page that repeats an id of an earlier page', async () => {
    serve(
      api(),
      (p) => ({
        ip_addresses: [reservation(1), reservation(p + 1)],
        meta: { current_page: p, last_page: 3 },
      }),
      2,
    );
    expect(await read(client())).toMatch(
      new RegExp(
        `findIPReservations .* paging stopped at page 2: it repeats ${id(1)}, listed on an earlier page`,
      ),
    );
  });

  it('fails a list that claims more pages than its total allows', async () => {
    // Two items a page and a total of 5: three pages at most, whatever last_page says.
    serve(
      api(),
      (p) => ({
        ip_addresses: [reservation(2 * p), reservation(2 * p + 1)],
        meta: { current_page: p, last_page: p + 1, total: 5 },
      }),
      3,
    );
    expect(await read(client())).toMatch(
      /findIPReservations .* paging stopped at page 3: it claims 4 pages, more than its total of 5 items allows \(3 of 2\)/,
    );
  });

  it('stops a list without total or last page at its page cap', async () => {
    serve(
      api(),
      (p) => ({ ip_addresses: [reservation(p)], meta: { current_page: p, next: { href: 'x' } } }),
      20,
    );
    expect(await read(client({ perPage: 1, pageCap: 20 }))).toMatch(
      /findIPReservations .* paging stopped at page 20: more than 20 pages/,
    );
  });
});

describe('the absolute page cap', () => {
  it('is 1,000 pages: a list whose pages never end is read that far and no further', async () => {
    let served = 0;
    const server = createServer((request, response) => {
      served++;
      const page = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('page'));
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          ip_addresses: [reservation(page)],
          meta: { current_page: page, next: { href: 'x' } },
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const transport = new MetalTransport({
      baseURL: `http://127.0.0.1:${String(port)}`,
      token: new Sensitive('t'),
    });
    try {
      await expect(new MetalClient(transport).listReservations(project)).rejects.toThrow(
        /findIPReservations .* paging stopped at page 1000: more than 1000 pages/,
      );
      expect(served).toBe(1000);
    } finally {
      server.close();
    }
  }, 30_000);
});
