import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { listAll } from './list.ts';
import { KubeConnection } from './kube-connection.ts';
import { KubeRest } from './rest.ts';

// An API server gone wrong, which a real kube-apiserver cannot be made to play: a small HTTP
// server whose answers each test writes.
let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

type Handler = (page: string | null, response: ServerResponse, request: IncomingMessage) => void;

async function apiServer(handle: Handler, options: { timeoutMs?: number } = {}) {
  let requests = 0;
  server = createServer((request, response) => {
    requests++;
    handle(new URL(request.url ?? '/', 'http://x').searchParams.get('continue'), response, request);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const config = new KubeConnection(
    {
      name: 'c',
      server: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`,
      skipTLSVerify: true,
    },
    { name: 'u', token: 't' },
  );
  return { rest: new KubeRest(config, options), requests: () => requests };
}

const json = (response: ServerResponse, body: object): void => {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
};
const service = (name: string) => ({ metadata: { name, namespace: 'default' } });
const path = '/api/v1/services';
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => 'listed',
    (error: unknown) => (error as Error).message,
  );

describe('a Kubernetes list stays bounded and names what failed', () => {
  it('cuts an answer whose body trickles at the request deadline', async () => {
    const { rest } = await apiServer(
      (_page, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        const timer = setInterval(() => response.write(' '), 100);
        response.on('close', () => {
          clearInterval(timer);
        });
      },
      { timeoutMs: 300 },
    );
    const started = Date.now();
    expect(await failure(listAll(rest, path, {}))).toBe(
      'Kubernetes GET /api/v1/services failed: no complete answer within 0.3s',
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('fails a list whose continue tokens never end, at its page cap', async () => {
    const { rest, requests } = await apiServer((page, response) => {
      const n = Number(page ?? 0);
      json(response, { metadata: { continue: String(n + 1) }, items: [service(`s-${String(n)}`)] });
    });
    expect(await failure(listAll(rest, path, {}, { maxPages: 25 }))).toBe(
      'Kubernetes list of /api/v1/services stopped at page 25: more than 25 pages',
    );
    expect(requests()).toBe(25);
  });

  it('fails a list whose continue token comes round again', async () => {
    let served = 0;
    const { rest } = await apiServer((page, response) => {
      served++;
      // 1, 2, 1, 2, …: each page new objects, the tokens going round.
      json(response, {
        metadata: { continue: page === '1' ? '2' : '1' },
        items: [service(`s-${String(served)}`)],
      });
    });
    expect(await failure(listAll(rest, path, {}))).toBe(
      'Kubernetes list of /api/v1/services stopped at page 3: its continue token repeats an earlier one',
    );
  });

  it('fails a list whose pages hold an object twice', async () => {
    const { rest } = await apiServer((page, response) => {
      json(response, {
        metadata: { continue: page === null ? 'a' : '' },
        items: [service('same')],
      });
    });
    expect(await failure(listAll(rest, path, {}))).toBe(
      'Kubernetes list of /api/v1/services stopped at page 2: it lists default/same again',
    );
  });

  it('ends a list that takes longer than its own deadline, each page within its own', async () => {
    const { rest } = await apiServer((page, response) => {
      const n = Number(page ?? 0);
      setTimeout(() => {
        json(response, {
          metadata: { continue: String(n + 1) },
          items: [service(`s-${String(n)}`)],
        });
      }, 100);
    });
    const started = Date.now();
    expect(await failure(listAll(rest, path, {}, { deadlineMs: 500 }))).toBe(
      'Kubernetes list of /api/v1/services did not finish within 0.5s',
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('reads every page of an honest list', async () => {
    const { rest } = await apiServer((page, response) => {
      const n = Number(page ?? 0);
      json(response, {
        metadata: { continue: n < 2 ? String(n + 1) : '', resourceVersion: '42' },
        items: [service(`s-${String(n)}`)],
      });
    });
    const listed = await listAll(rest, path, {});
    expect(listed.items.map((i) => i.metadata?.name)).toEqual(['s-0', 's-1', 's-2']);
    expect(listed.resourceVersion).toBe('42');
  });
});

describe('a watch', () => {
  it('reads one event per line, whatever chunks the lines arrive in', async () => {
    const events = [
      { type: 'ADDED', object: { metadata: { name: 'café' } } },
      { type: 'MODIFIED', object: { metadata: { name: 'b' } } },
      { type: 'DELETED', object: { metadata: { name: 'c' } } },
    ];
    const bytes = Buffer.from(events.map((e) => `${JSON.stringify(e)}\n`).join(''));
    const { rest } = await apiServer((_page, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      // Cut inside the é (two bytes) and inside the second line; the last line has no newline.
      const cut = bytes.indexOf(0xc3) + 1;
      const parts = [bytes.subarray(0, cut), bytes.subarray(cut, cut + 40)];
      const last = bytes.subarray(cut + 40, bytes.length - 1);
      // Apart in time, so they reach the client as separate chunks.
      const next = (): void => {
        const part = parts.shift();
        if (part === undefined) response.end(last);
        else response.write(part, () => setTimeout(next, 20));
      };
      next();
    });
    const seen: unknown[] = [];
    await rest.watch(path, {}, (event) => seen.push(event), new AbortController().signal);
    expect(seen).toEqual(events);
  });
});
