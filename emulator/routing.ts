import { connect, createServer, type Server, type Socket } from 'node:net';
import { hrefId, type EmulatorWorld, type Json } from './world.ts';

interface Route {
  readonly server: Server;
  target: string;
  readonly sockets: Set<Socket>;
}

/**
 * The network as Metal routes it, on loopback: for each assigned Elastic IP, `<eip>:<port>` listens
 * and forwards every connection to the device that holds it, so a probe of the EIP reaches
 * whichever stand-in holds it now. A move cuts the connections to the old holder, as a real
 * re-route does.
 */
export class EipRouting {
  readonly #world: EmulatorWorld;
  readonly #ports: readonly number[];
  readonly #routes = new Map<string, Route>();
  #syncing: Promise<void> = Promise.resolve();

  constructor(world: EmulatorWorld, ports: readonly number[]) {
    this.#world = world;
    this.#ports = ports;
  }

  /** Brings the listeners in line with the world's assignments (serialised). */
  sync(): Promise<void> {
    this.#syncing = this.#syncing.then(() => this.#sync());
    return this.#syncing;
  }

  async #sync(): Promise<void> {
    const wanted = new Map<string, { eip: string; port: number; target: string }>();
    for (const reservation of this.#world.reservations.values()) {
      // A device's own addresses reach it already; only Elastic IPs are routed.
      if (reservation['management'] === true) continue;
      for (const assignment of (reservation['assignments'] ?? []) as Json[]) {
        const eip = assignment['address'] as string | undefined;
        const device = this.#world.devices.get(hrefId(assignment['assigned_to']));
        const target = device === undefined ? undefined : this.#world.privateIpv4(device);
        if (eip === undefined || target === undefined) continue;
        for (const port of this.#ports) wanted.set(`${eip}:${String(port)}`, { eip, port, target });
      }
    }
    for (const [key, route] of this.#routes) {
      const want = wanted.get(key);
      if (want !== undefined && want.target === route.target) continue;
      for (const socket of route.sockets) socket.destroy();
      route.sockets.clear();
      if (want === undefined) {
        this.#routes.delete(key);
        await new Promise((resolve) => route.server.close(resolve));
      } else route.target = want.target;
    }
    for (const [key, want] of wanted) {
      if (this.#routes.has(key)) continue;
      const route: Route = { server: createServer(), target: want.target, sockets: new Set() };
      route.server.on('connection', (client) => {
        const upstream = connect(want.port, route.target);
        for (const s of [client, upstream]) {
          route.sockets.add(s);
          s.on('error', () => undefined);
          s.on('close', () => route.sockets.delete(s));
        }
        client.pipe(upstream).pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      await new Promise<void>((resolve, reject) => {
        route.server.once('error', reject);
        route.server.listen(want.port, want.eip, resolve);
      });
      this.#routes.set(key, route);
    }
  }

  async close(): Promise<void> {
    await this.#syncing;
    for (const route of this.#routes.values()) {
      for (const socket of route.sockets) socket.destroy();
      await new Promise((resolve) => route.server.close(resolve));
    }
    this.#routes.clear();
  }
}
