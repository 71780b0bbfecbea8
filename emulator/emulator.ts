import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MetalWorld } from '../providers/fixture/metal.ts';
import { prefix, serveApi } from './api.ts';
import { Conformance } from './conformance.ts';
import { control } from './control.ts';
import { Faults, type FaultRule } from './faults.ts';
import { readBody, send } from './http.ts';
import { metadataOf } from './operations/metadata.ts';
import { RateWindow, type RateWindowSetting } from './rate-window.ts';
import { EipRouting } from './routing.ts';
import { count, type EmulatorState } from './state.ts';
import { EmulatorWorld } from './world.ts';

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
  /** Accept only this token from now on, as after a key rotation in the Metal console. */
  rotateToken(token: string): void;
  /** URL of the metadata document as the given device sees it. */
  metadataUrl(deviceId: string): string;
  /** Requests per operationId, failed and faulted ones included. */
  counters(): Record<string, number>;
  resetCounters(): void;
  inject(operation: string, fault: FaultRule): void;
  clearFaults(): void;
  /** Send `X-RateLimit-*` on every answer from now on, one request spent per answer (undefined: stop). */
  setRateWindow(window: RateWindowSetting | undefined): void;
  /** Faults that fired so far, by kind (`status 429`, `status 503`, `latency`, `drop`, …). */
  faultsFired(): Record<string, number>;
  /** Requests waiting on a `hold` fault. */
  held(): number;
  /** Lets every held request go on. */
  releaseHeld(): void;
  /** Conformance failures (`<METHOD> <template> <status>: <field> <problem>`), handlers that threw. */
  readonly violations: readonly string[];
  /** Forget the violations so far (after a test that sent a bad request on purpose). */
  clearViolations(): void;
  readonly world: EmulatorWorld;
  close(): Promise<void>;
}

async function createState(options: EmulatorOptions): Promise<EmulatorState> {
  const { addressRange, quota } = options;
  const world = new EmulatorWorld(options.world, {
    ...(addressRange === undefined ? {} : { addressRange }),
    ...(quota === undefined ? {} : { quota }),
  });
  const routing =
    options.routeElasticIps === undefined
      ? undefined
      : new EipRouting(world, options.routeElasticIps.ports);
  await routing?.sync();
  return {
    world,
    token: options.token ?? 'emulator-token',
    faults: new Faults(options.seed),
    counters: new Map(),
    violations: [],
    conformance: options.validate === false ? undefined : new Conformance(),
    routing,
    rateWindow: new RateWindow(),
  };
}

/** Control, metadata or the API, by path. */
async function serve(
  state: EmulatorState,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://emulator');
  const text = await readBody(request);
  if (url.pathname.startsWith('/_emulator/')) {
    send(response, control(state, `${request.method ?? ''} ${url.pathname}`, text));
    return;
  }
  const metadata = /^\/_metadata\/([^/]+)\/metadata$/.exec(url.pathname);
  if (metadata) {
    count(state, 'metadata');
    send(response, metadataOf(state.world, metadata[1] ?? ''));
    return;
  }
  if (!url.pathname.startsWith(prefix))
    send(response, { status: 404, body: { error: 'Not found' } });
  else await serveApi(state, request, response, url, text);
}

function listen(state: EmulatorState, host: string, port: number): Promise<Server> {
  const server = createServer((request, response) => {
    serve(state, request, response).catch((error: unknown) => {
      // A handler that throws is the emulator's bug: counted, so no test passes over it.
      state.violations.push(
        `${request.method ?? ''} ${request.url ?? ''}: the handler threw ${String(error)}`,
      );
      if (!response.headersSent) send(response, { status: 500, body: { error: String(error) } });
      else response.destroy();
    });
  });
  return new Promise((resolve) =>
    server.listen(port, host, () => {
      resolve(server);
    }),
  );
}

/** Starts a Metal API emulator on loopback (see README.md beside this file). */
export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const state = await createState(options);
  const host = options.host ?? '127.0.0.1';
  const server = await listen(state, host, options.port ?? 0);
  const origin = `http://${host}:${String((server.address() as AddressInfo).port)}`;
  const { world, faults, counters, violations, routing } = state;
  return {
    url: `${origin}${prefix}`,
    get token() {
      return state.token;
    },
    rotateToken: (token) => {
      state.token = token;
    },
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
    setRateWindow: (window) => {
      state.rateWindow.set(window);
    },
    faultsFired: () => Object.fromEntries(faults.fired),
    held: () => faults.hold.count,
    releaseHeld: () => {
      faults.hold.release();
    },
    violations,
    clearViolations: () => {
      violations.length = 0;
    },
    world,
    close: async () => {
      faults.hold.release();
      await routing?.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
