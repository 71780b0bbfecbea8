import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface HealthSources {
  /** Why the CCM is not ready, or undefined when it is. */
  readonly notReady: () => string | undefined;
  readonly registry: Registry;
}

/** `/healthz` (the process answers), `/readyz` (caches synced, Metal reachable), `/metrics`. */
export async function serveHealth(
  address: string,
  sources: HealthSources,
): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://ccm').pathname;
    if (path === '/healthz') {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else if (path === '/readyz') {
      const reason = sources.notReady();
      response
        .writeHead(reason === undefined ? 200 : 503, { 'content-type': 'text/plain' })
        .end(`${reason ?? 'ok'}\n`);
    } else if (path === '/metrics') {
      sources.registry.metrics().then(
        (text) =>
          response.writeHead(200, { 'content-type': sources.registry.contentType }).end(text),
        (error: unknown) => response.writeHead(500).end(String(error)),
      );
    } else {
      response.writeHead(404).end();
    }
  });
  const split = address.lastIndexOf(':');
  const host = address.slice(0, split) || '0.0.0.0';
  const port = Number(address.slice(split + 1));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const bound = server.address() as AddressInfo;
  return { server, url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${bound.port}` };
}
