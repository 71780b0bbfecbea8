import type { Server } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { DelegatedAuth, type Reviewer } from './auth.ts';
import type { ServingOptions } from './options.ts';
import { handler, serveHttp, serveHttps, type Endpoints } from './server.ts';
import { readFlagFile, servingPair } from './tls.ts';

/** The CCM's own servers, as they run. */
export interface Serving {
  /** `https://…` of the secure server, when it runs. */
  readonly secureUrl?: string;
  /** `http://…` of the plain one, when asked for. */
  readonly plainUrl?: string;
  /** Adds a client CA (read from the cluster after start): certificates it signed authenticate. */
  addClientCA(pem: string): void;
  close(): Promise<void>;
}

const allowAll = () => Promise.resolve({ allowed: true } as const);

function closeServer(server: Server | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (server === undefined) resolve();
    else {
      server.close(() => {
        resolve();
      });
      server.closeAllConnections();
    }
  });
}

/**
 * Starts HTTPS on `--bind-address:--secure-port` (unless the port is 0), with delegated
 * authentication and authorization, and plain HTTP on `--health-address` only when given. Any
 * problem (a busy port, an unreadable certificate) is an error naming the flag.
 */
export async function startServing(
  options: ServingOptions,
  endpoints: Endpoints,
  reviewer: Reviewer,
): Promise<Serving> {
  let secure: { server: HttpsServer; url: string } | undefined;
  let plain: { server: Server; url: string } | undefined;
  const auth = new DelegatedAuth(reviewer, options.auth);
  const pair = options.secure.port === 0 ? undefined : await servingPair(options.secure);
  let clientCA =
    options.auth.clientCAFile === undefined
      ? undefined
      : await readFlagFile('client-ca-file', options.auth.clientCAFile);
  if (pair !== undefined) {
    const listening = await serveHttps(
      {
        host: options.secure.bindAddress,
        port: options.secure.port,
        pair,
        minVersion: options.secure.minVersion,
        ...(clientCA === undefined ? {} : { clientCA }),
      },
      handler(endpoints, (request, path) => auth.decide(request, path)),
    );
    secure = { server: listening.server as HttpsServer, url: listening.url };
    auth.clientCertificates = clientCA !== undefined;
  }
  if (options.plain !== undefined) {
    const listening = await serveHttp(options.plain, handler(endpoints, allowAll)).catch(
      async (error: unknown) => {
        await closeServer(secure?.server);
        throw error;
      },
    );
    plain = listening;
  }
  return {
    ...(secure === undefined ? {} : { secureUrl: secure.url }),
    ...(plain === undefined ? {} : { plainUrl: plain.url }),
    addClientCA(pem) {
      if (secure === undefined || pair === undefined) return;
      clientCA = clientCA === undefined ? pem : `${clientCA}\n${pem}`;
      secure.server.setSecureContext({
        cert: pair.cert,
        key: pair.key,
        minVersion: options.secure.minVersion,
        ca: clientCA,
      });
      auth.clientCertificates = true;
    },
    close: async () => {
      await Promise.all([closeServer(secure?.server), closeServer(plain?.server)]);
    },
  };
}
