import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sensitive } from '../../model/sensitive.ts';
import { MetalTransport } from './transport.ts';

/** A forward proxy that answers every request itself and keeps what it was asked. */
let proxy: Server;
const asked: { url: string; token: string | undefined }[] = [];

beforeAll(async () => {
  proxy = createServer((request, response) => {
    asked.push({ url: request.url ?? '', token: request.headers['x-auth-token'] as string });
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"id":"p1"}');
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise((resolve) => proxy.close(resolve));
});

const transport = (proxyEnv: NodeJS.ProcessEnv, baseURL = 'http://metal.example.test/metal/v1') =>
  new MetalTransport({
    baseURL,
    token: new Sensitive('tok'),
    retries: 0,
    timeoutMs: 500,
    proxyEnv,
  });

const get = {
  operation: 'findProjectById',
  method: 'GET',
  path: '/projects/p1',
  query: { include: 'bgp_config' },
  idempotent: true,
} as const;

describe('the Metal API behind a proxy', () => {
  it('goes through the proxy the environment names, unless NO_PROXY names the API', async () => {
    const at = `http://127.0.0.1:${String((proxy.address() as AddressInfo).port)}`;
    const answer = await transport({ HTTP_PROXY: at }).send(get);
    expect(answer).toEqual({ status: 200, data: { id: 'p1' } });
    expect(asked).toEqual([
      { url: 'http://metal.example.test/metal/v1/projects/p1?include=bgp_config', token: 'tok' },
    ]);
    const direct = transport({ HTTP_PROXY: at, NO_PROXY: 'metal.example.test' }).send(get);
    await expect(direct).rejects.toMatchObject({ code: expect.stringMatching(/^E/) });
    expect(asked).toHaveLength(1);
  });

  it('decides as Go does, as the upstream CCM: a parent domain and a CIDR in NO_PROXY go direct', async () => {
    const at = `http://127.0.0.1:${String((proxy.address() as AddressInfo).port)}`;
    asked.length = 0;
    // Node's own NO_PROXY reads `example.test` as that host alone, and takes no CIDRs.
    for (const noProxy of ['example.test', '.example.test']) {
      const direct = transport({ HTTP_PROXY: at, NO_PROXY: noProxy }).send(get);
      await expect(direct, noProxy).rejects.toMatchObject({ code: expect.stringMatching(/^E/) });
    }
    // An address the network cannot reach: straight there, the request times out unanswered.
    const unreachable = 'http://192.0.2.1/metal/v1';
    const viaCidr = transport({ HTTP_PROXY: at, NO_PROXY: '192.0.2.0/24' }, unreachable).send(get);
    await expect(viaCidr).rejects.toThrow();
    expect(asked).toEqual([]);
    // A CIDR that does not hold the address: proxied.
    await transport({ HTTP_PROXY: at, NO_PROXY: '192.0.3.0/24' }, unreachable).send(get);
    expect(asked.map((a) => a.url)).toEqual([
      'http://192.0.2.1/metal/v1/projects/p1?include=bgp_config',
    ]);
  });

  it('refuses a proxy it cannot speak at once, saying which, without its credentials', async () => {
    const socks = transport({ HTTP_PROXY: 'socks5://user:secret@proxy.corp:1080' }).send(get);
    await expect(socks).rejects.toMatchObject({
      code: 'EPROXY',
      message: expect.stringContaining(
        "the environment's proxy socks5://proxy.corp:1080 for http://metal.example.test is not supported; use an http or https proxy, or name the server in NO_PROXY",
      ),
    });
    await expect(socks).rejects.not.toMatchObject({ message: expect.stringContaining('secret') });
  });
});
