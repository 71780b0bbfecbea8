import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import { KubeConnection } from '../../providers/kubernetes/kube-connection.ts';

/** How the stub answers its n-th request (from 1). */
export type StubAnswer = (request: IncomingMessage, response: ServerResponse, n: number) => void;

/**
 * A stand-in for the API server in the Kubernetes client's unit tests, on loopback: each test's
 * `start(answer)` listens, counts and records the requests; it is closed after each test.
 */
export function useKubeApiStub() {
  let server: Server | undefined;
  afterEach(() => {
    server?.closeAllConnections();
    server?.close();
    server = undefined;
  });
  return async function start(answer: StubAnswer) {
    const seen: IncomingMessage[] = [];
    server = createServer((request, response) => {
      seen.push(request);
      answer(request, response, seen.length);
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const port = String((server.address() as AddressInfo).port);
    const connection = new KubeConnection(
      { name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true },
      { name: 'u', token: 't' },
    );
    return { connection, seen };
  };
}

/** Answers with a JSON body. */
export function answerJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}
