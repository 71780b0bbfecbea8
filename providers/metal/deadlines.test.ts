import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Sensitive } from '../../model/sensitive.ts';
import { baseURL, useHttpMock } from '../../test/support/http-mock.ts';
import { getProject, requestReservation } from '../../test/support/metal-requests.ts';
import { deadline } from './deadline.ts';
import type { MetalApiError } from './errors.ts';
import { MetalTransport, type TransportOptions } from './transport.ts';

const get = getProject;
const create = requestReservation;

const failure = (promise: Promise<unknown>): Promise<MetalApiError> =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error as MetalApiError,
  );

describe('a trickling answer', () => {
  let server: Server | undefined;
  afterEach(() => {
    server?.closeAllConnections();
    server?.close();
  });

  /** Headers at once, then the body a byte every 200 ms: it would take 10 s to arrive. */
  async function trickling(): Promise<{ url: string; requests: () => number }> {
    let requests = 0;
    server = createServer((_request, response) => {
      requests++;
      response.writeHead(200, { 'content-type': 'application/json' });
      const body = JSON.stringify({ id: 'x'.repeat(48) });
      let sent = 0;
      const timer = setInterval(() => {
        if (sent < body.length) response.write(body[sent++]);
        else response.end();
      }, 200);
      response.on('close', () => {
        clearInterval(timer);
      });
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${String(port)}`, requests: () => requests };
  }

  const transport = (url: string, options: Partial<TransportOptions> = {}) =>
    new MetalTransport({ baseURL: url, token: new Sensitive('t'), backoffBaseMs: 1, ...options });

  it('is cut at the request deadline, which covers the whole body, and named', async () => {
    const { url, requests } = await trickling();
    const started = Date.now();
    const error = await failure(transport(url, { timeoutMs: 300, retries: 1 }).send(get));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error.message).toBe(
      'Metal API findProjectById (GET /projects/p) failed: ETIMEDOUT (no complete answer within 300ms)',
    );
    expect(requests()).toBe(2); // a read is retried once
  });

  it('is never sent twice for a create: it may have happened', async () => {
    const { url, requests } = await trickling();
    const error = await failure(transport(url, { timeoutMs: 300 }).send(create));
    expect(error.code).toBe('ETIMEDOUT');
    expect(requests()).toBe(1);
  });

  it('is cut by the deadline of the work it is part of, and not retried', async () => {
    const { url, requests } = await trickling();
    const bound = deadline(300, 'the Metal observation');
    const error = await failure(
      transport(url, { retries: 4 }).send({ ...get, signal: bound.signal }),
    );
    bound.done();
    expect(error.message).toBe(
      'Metal API findProjectById (GET /projects/p) failed: EDEADLINE (the Metal observation did not finish within 300ms)',
    );
    expect(requests()).toBe(1);
  });
});

describe('an answer that is not JSON', () => {
  const api = useHttpMock();

  it('says "the body is not JSON" with the operation, not a schema message', async () => {
    api()
      .get('/projects/p')
      .reply(200, '<html><body>Please sign in</body></html>', { 'content-type': 'text/html' });
    const t = new MetalTransport({ baseURL, token: new Sensitive('t'), retries: 0 });
    await expect(t.send(get)).rejects.toThrow(
      'Metal API findProjectById answered with an unexpected body: the body is not JSON (200, text/html, starting "<html><body>Please sign in</body></html>")',
    );
  });

  it('keeps the status of an error page that is not JSON', async () => {
    api().get('/projects/p').reply(403, '<html>Forbidden</html>', { 'content-type': 'text/html' });
    const t = new MetalTransport({ baseURL, token: new Sensitive('t'), retries: 0 });
    await expect(t.send(get)).rejects.toMatchObject({ status: 403, messages: [] });
  });
});

describe('a rate-limit pause', () => {
  const api = useHttpMock();

  it('is waited out only until the deadline of the work the call is part of', async () => {
    api().get('/projects/p').reply(429, {}, { 'Retry-After': '60' });
    const t = new MetalTransport({ baseURL, token: new Sensitive('t') });
    const bound = deadline(200, 'the Metal observation');
    const started = Date.now();
    const error = await failure(t.send({ ...get, signal: bound.signal }));
    bound.done();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error).toMatchObject({ code: 'EDEADLINE', operation: 'findProjectById' });
  });
});
