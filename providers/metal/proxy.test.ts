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

const transport = (proxyEnv: NodeJS.ProcessEnv) =>
  new MetalTransport({
    baseURL: 'http://metal.example.test/metal/v1',
    token: new Sensitive('tok'),
    retries: 0,
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
});
