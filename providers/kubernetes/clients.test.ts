import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { kubeClients } from './clients.ts';
import { KubeConnection } from './kube-connection.ts';

let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

/** An API server that answers `{}` and counts the requests by User-Agent. */
async function countingApiServer() {
  const seen: string[] = [];
  server = createServer((request, response) => {
    seen.push(request.headers['user-agent'] ?? '');
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{}');
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const port = String((server.address() as AddressInfo).port);
  const connection = new KubeConnection(
    { name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true },
    { name: 'u', token: 't' },
  );
  return { connection, seen };
}

describe('the Kubernetes clients', () => {
  it('each has its own rate limit and names itself: Events, the Lease and reviews do not wait behind the loops', async () => {
    const { connection, seen } = await countingApiServer();
    // One request a second, no burst: the loops' second request waits a second.
    const clients = kubeClients(connection, { qps: 1, burst: 1 });
    const path = '/api/v1/namespaces/kube-system';
    void clients.loops.request({ method: 'GET', path });
    void clients.loops.request({ method: 'GET', path });
    await Promise.all([
      clients.events.request({ method: 'GET', path }),
      clients.leaderElection.request({ method: 'GET', path }),
      clients.reviews(connection).request({ method: 'GET', path }),
    ]);
    expect(seen.sort()).toEqual([
      'equinix-metal-ccm',
      'equinix-metal-ccm/delegated-auth',
      'equinix-metal-ccm/events',
      'equinix-metal-ccm/leader-election',
    ]);
  });
});
