import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MetalWorld } from '../providers/fixture/metal.ts';
import { Conformance } from './conformance.ts';
import { Faults, type FaultRule } from './faults.ts';
import { match } from './routes.ts';
import { EipRouting } from './routing.ts';
import { EmulatorWorld, type Answer, type Json } from './world.ts';

export type { FaultRule as Fault } from './faults.ts';

export interface EmulatorOptions {
  readonly world: MetalWorld;
  /** The only X-Auth-Token accepted; anything else is 401. */
  readonly token?: string;
  readonly host?: string;
  readonly port?: number;
  /** Where new Elastic IPs come from (tests use loopback ranges so probes reach local servers). */
  readonly addressRange?: { readonly first: string; readonly count: number };
  /** Addresses that created reservations may hold in all; beyond, requests stay pending. */
  readonly quota?: number;
  /** Check every request and response body against the official OpenAPI schemas (default on). */
  readonly validate?: boolean;
  /** Seed of the probability faults. */
  readonly seed?: number;
  /**
   * Route assigned Elastic IPs on loopback as Metal routes them: `<eip>:<port>` forwards to the
   * device holding it (the EIPs must then be loopback addresses, see `addressRange`).
   */
  readonly routeElasticIps?: { readonly ports: readonly number[] };
}

export interface Emulator {
  /** Base URL of the API, with the /metal/v1 prefix. */
  readonly url: string;
  readonly token: string;
  /** URL of the metadata document as the given device sees it. */
  metadataUrl(deviceId: string): string;
  /** Requests per operationId, failed and faulted ones included. */
  counters(): Record<string, number>;
  resetCounters(): void;
  inject(operation: string, fault: FaultRule): void;
  clearFaults(): void;
  /** Conformance failures: `<METHOD> <template> <status>: <field> <problem>`. */
  readonly violations: readonly string[];
  /** Forget the violations so far (after a test that sent a bad request on purpose). */
  clearViolations(): void;
  readonly world: EmulatorWorld;
  close(): Promise<void>;
}

const prefix = '/metal/v1';

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, answer: Answer): void {
  const headers = {
    ...answer.headers,
    ...(answer.body === undefined ? {} : { 'content-type': 'application/json' }),
  };
  response.writeHead(answer.status, headers);
  response.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
}

/** Starts a Metal API emulator on loopback (see README.md beside this file). */
export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const world = new EmulatorWorld(options.world, {
    ...(options.addressRange === undefined ? {} : { addressRange: options.addressRange }),
    ...(options.quota === undefined ? {} : { quota: options.quota }),
  });
  const token = options.token ?? 'emulator-token';
  const faults = new Faults(options.seed);
  const counters = new Map<string, number>();
  const violations: string[] = [];
  const conformance = options.validate === false ? undefined : new Conformance();
  const routing =
    options.routeElasticIps === undefined
      ? undefined
      : new EipRouting(world, options.routeElasticIps.ports);
  await routing?.sync();

  const count = (operation: string): void => {
    counters.set(operation, (counters.get(operation) ?? 0) + 1);
  };

  const control = async (request: IncomingMessage, path: string, body: string): Promise<Answer> => {
    const command = `${request.method ?? ''} ${path}`;
    if (command === 'GET /_emulator/counters')
      return { status: 200, body: Object.fromEntries(counters) };
    if (command === 'POST /_emulator/counters/reset') {
      counters.clear();
      return { status: 204 };
    }
    if (command === 'POST /_emulator/faults') {
      const { operation, fault } = JSON.parse(body) as { operation: string; fault: FaultRule };
      faults.inject(operation, fault);
      return { status: 204 };
    }
    if (command === 'DELETE /_emulator/faults') {
      faults.clear();
      return { status: 204 };
    }
    if (command === 'GET /_emulator/state') {
      return {
        status: 200,
        body: {
          devices: [...world.devices.values()],
          reservations: [...world.reservations.values()],
          sessions: world.sessions,
          bgp_config: world.bgpConfig,
        },
      };
    }
    const approve = /^POST \/_emulator\/approve\/([^/]+)$/.exec(command);
    if (approve) return { status: world.approve(approve[1] ?? '') ? 204 : 404 };
    await Promise.resolve();
    return { status: 404, body: { error: 'no such control' } };
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://emulator');
    const text = await readBody(request);
    if (url.pathname.startsWith('/_emulator/')) {
      send(response, await control(request, url.pathname, text));
      return;
    }
    const metadata = /^\/_metadata\/([^/]+)\/metadata$/.exec(url.pathname);
    if (metadata) {
      count('metadata');
      send(response, world.metadataOf(metadata[1] ?? ''));
      return;
    }
    if (!url.pathname.startsWith(prefix)) {
      send(response, { status: 404, body: { error: 'Not found' } });
      return;
    }
    const found = match(request.method ?? 'GET', url.pathname.slice(prefix.length));
    if (found === undefined) {
      count('unknown');
      send(response, { status: 404, body: { error: 'Not found' } });
      return;
    }
    const { route, id } = found;
    count(route.operation);
    const check = (problems: string[]): void => {
      violations.push(...problems);
    };
    /** `injected`: a fault's answer, checked against the API's Error schema only. */
    const finish = (answer: Answer, injected = false): void => {
      if (conformance !== undefined) {
        const { method, template } = route;
        const { status, body: sent } = answer;
        check(
          injected
            ? conformance.checkError(method, template, status, sent)
            : conformance.checkResponse(method, template, status, sent),
        );
      }
      send(response, answer);
    };

    if (request.headers['x-auth-token'] !== token) {
      finish({ status: 401, body: { error: 'Invalid authentication token' } });
      return;
    }
    const fault = faults.take(route.operation);
    if (fault?.kind === 'drop') {
      request.socket.destroy();
      return;
    }
    if (fault?.kind === 'latency') await new Promise((resolve) => setTimeout(resolve, fault.ms));
    if (fault?.kind === 'status') {
      const reset = Math.ceil(Date.now() / 1000) + (fault.retryAfterSeconds ?? 1);
      finish(
        {
          status: fault.status,
          body:
            fault.status === 429
              ? { errors: ['Rate limit exceeded'] }
              : { error: 'Internal server error' },
          headers:
            fault.status === 429
              ? {
                  'x-ratelimit-limit': '100',
                  'x-ratelimit-remaining': '0',
                  'x-ratelimit-reset': String(reset),
                  ...(fault.retryAfterSeconds === undefined
                    ? {}
                    : { 'retry-after': String(fault.retryAfterSeconds) }),
                }
              : {},
        },
        true,
      );
      return;
    }
    let body: Json = {};
    if (text !== '') {
      try {
        body = JSON.parse(text) as Json;
      } catch {
        finish({ status: 422, body: { errors: ['body is not JSON'] } });
        return;
      }
      if (conformance !== undefined)
        check(conformance.checkRequest(route.method, route.template, body));
    }
    const answer = route.handle({ world, id, query: url.searchParams, body });
    // The network follows the API before the answer leaves, as a caller would expect.
    if (route.method !== 'GET') await routing?.sync();
    if (fault?.kind === 'lose-response') {
      request.socket.destroy();
      return;
    }
    finish(answer);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      send(response, { status: 500, body: { error: String(error) } });
    });
  });
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;
  const origin = `http://${options.host ?? '127.0.0.1'}:${port}`;
  return {
    url: `${origin}${prefix}`,
    token,
    metadataUrl: (deviceId) => `${origin}/_metadata/${deviceId}/metadata`,
    counters: () => Object.fromEntries(counters),
    resetCounters: () => {
      counters.clear();
    },
    inject: (operation, fault) => {
      faults.inject(operation, fault);
    },
    clearFaults: () => {
      faults.clear();
    },
    violations,
    clearViolations: () => {
      violations.length = 0;
    },
    world,
    close: async () => {
      await routing?.close();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      });
    },
  };
}
