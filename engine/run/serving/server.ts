import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Registry } from '../prom-client.ts';
import type { Decision } from './auth.ts';
import type { CertificatePair } from './self-signed.ts';
import type { TlsVersion } from './options.ts';
import { nodeHttp } from '../../../providers/node-http.ts';

const { createServer: createHttp } = nodeHttp;

/** A named check of /healthz, /livez or /readyz: undefined when it passes, else why it fails. */
export interface Check {
  readonly name: string;
  readonly failure: () => string | undefined;
}

export interface Endpoints {
  /** /healthz and /livez: is the process working (a failure restarts the Pod). */
  readonly liveness: readonly Check[];
  /** /readyz: can it do its job now. */
  readonly readiness: readonly Check[];
  readonly registry: Registry;
}

/**
 * The check endpoints as Kubernetes components answer them: `ok`, or 500 with a line per failing
 * check (`[-]leader-lease failed: …`); `?verbose` lists every check.
 */
function answerChecks(
  checks: readonly Check[],
  endpoint: string,
  verbose: boolean,
  response: ServerResponse,
): void {
  const results = checks.map((c) => ({ name: c.name, failure: c.failure() }));
  const failed = results.filter((r) => r.failure !== undefined);
  const lines = results
    .filter((r) => verbose || r.failure !== undefined)
    .map((r) =>
      r.failure === undefined ? `[+]${r.name} ok` : `[-]${r.name} failed: ${r.failure}`,
    );
  const body =
    failed.length > 0
      ? `${lines.join('\n')}\n${endpoint} check failed\n`
      : verbose
        ? `${lines.join('\n')}\n${endpoint} check passed\n`
        : 'ok\n';
  response
    .writeHead(failed.length > 0 ? 500 : 200, { 'content-type': 'text/plain; charset=utf-8' })
    .end(body);
}

function route(
  endpoints: Endpoints,
  path: string,
  verbose: boolean,
  response: ServerResponse,
): void {
  if (path === '/healthz' || path === '/livez') {
    answerChecks(endpoints.liveness, path.slice(1), verbose, response);
  } else if (path === '/readyz') {
    answerChecks(endpoints.readiness, 'readyz', verbose, response);
  } else if (path === '/metrics') {
    endpoints.registry.metrics().then(
      (text) =>
        response.writeHead(200, { 'content-type': endpoints.registry.contentType }).end(text),
      (error: unknown) => response.writeHead(500).end(String(error)),
    );
  } else {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found\n');
  }
}

/** The request handler: decide who may (always yes on the plain server), then answer. */
export function handler(
  endpoints: Endpoints,
  decide: (request: IncomingMessage, path: string) => Promise<Decision>,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const url = new URL(request.url ?? '/', 'http://ccm');
    decide(request, url.pathname).then(
      (decision) => {
        if (!decision.allowed)
          response
            .writeHead(decision.status, { 'content-type': 'text/plain' })
            .end(`${decision.message}\n`);
        else route(endpoints, url.pathname, url.searchParams.has('verbose'), response);
      },
      (error: unknown) => response.writeHead(500).end(String(error)),
    );
  };
}

export interface Listening {
  readonly server: Server;
  /** `https://127.0.0.1:10258`, with the address a client on this host reaches. */
  readonly url: string;
}

async function listen(
  server: Server,
  host: string,
  port: number,
  scheme: string,
  flag: string,
): Promise<Listening> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new Error(
          `${flag}: cannot listen on ${host}:${String(port)} (${error.code ?? error.message})`,
          { cause: error },
        ),
      );
    });
    server.listen(port, host, resolve);
  });
  const bound = server.address() as AddressInfo;
  const reach =
    host === '0.0.0.0'
      ? '127.0.0.1'
      : host === '::'
        ? '[::1]'
        : host.includes(':')
          ? `[${host}]`
          : host;
  return { server, url: `${scheme}://${reach}:${String(bound.port)}` };
}

/** HTTPS with the serving pair; client certificates are asked for and checked against `clientCA`. */
export function serveHttps(
  options: {
    host: string;
    port: number;
    pair: CertificatePair;
    minVersion: TlsVersion;
    clientCA?: string;
  },
  onRequest: ReturnType<typeof handler>,
): Promise<Listening> {
  const server = createHttps(
    {
      cert: options.pair.cert,
      key: options.pair.key,
      minVersion: options.minVersion,
      // Client certificates are asked for, never required; they count only once a client CA is set.
      requestCert: true,
      rejectUnauthorized: false,
      ...(options.clientCA === undefined ? {} : { ca: options.clientCA }),
    },
    onRequest,
  );
  return listen(server, options.host, options.port, 'https', '--bind-address/--secure-port');
}

/** Plain HTTP, only when asked for (`--health-address`). */
export function serveHttp(
  options: { host: string; port: number },
  onRequest: ReturnType<typeof handler>,
): Promise<Listening> {
  return listen(createHttp(onRequest), options.host, options.port, 'http', '--health-address');
}
