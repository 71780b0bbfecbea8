import { resourcePath, resources } from '../../providers/kubernetes/resources.ts';
import { createLoadBalancerService, createNode } from '../support/kube-rest.ts';
import type { SoakWorld } from './world.ts';

/** What the driver last made of a Service: ours (LoadBalancer), ClusterIP, or another class's. */
export type ServiceState = 'lb' | 'clusterip' | 'other-class';

export const otherClass = 'example.com/other';

/** What the driver did, in its own words: the invariants' expectations come from here. */
export interface DriverRecord {
  /** Services that exist, and what the driver last made of each. */
  readonly services: ReadonlyMap<string, ServiceState>;
  /** Services the driver deleted (names are never reused). */
  readonly deleted: ReadonlySet<string>;
  /** Nodes the driver created and did not delete: name → their device (which may be gone since). */
  readonly nodes: ReadonlyMap<string, string>;
}

/**
 * The seeded driver: one random change per step (Services created, deleted, retyped, re-classed;
 * nodes joining — half of them without a provider ID, as a kubelet leaves them — and leaving;
 * devices deleted; control-plane health flipping). Its writes go through an API server restart:
 * retried until they land.
 */
export class Driver implements DriverRecord {
  readonly services = new Map<string, ServiceState>();
  readonly deleted = new Set<string>();
  readonly nodes = new Map<string, string>();
  /** Nodes created with a provider ID: only their devices are deleted (see #deleteDevice). */
  readonly #identified = new Set<string>();
  readonly #world: SoakWorld;
  readonly #random: () => number;
  readonly #count: (what: string) => void;
  #nextService = 0;
  #nextWorker = 10;
  /** While the control plane is failed on purpose, its health is not flipped at random. */
  holdingControlPlane = false;

  constructor(world: SoakWorld, random: () => number, count: (what: string) => void) {
    this.#world = world;
    this.#random = random;
    this.#count = count;
  }

  #pick<T>(items: readonly T[]): T | undefined {
    return items[Math.floor(this.#random() * items.length)];
  }

  async #write(what: string, action: () => Promise<unknown>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await action();
        this.#count(what);
        return;
      } catch (error) {
        const status = (error as { status?: number }).status;
        if (status !== undefined && status < 500) {
          this.#count(`${what} refused (${String(status)})`);
          return;
        }
        if (attempt > 60) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  #patchService(name: string, body: unknown): Promise<unknown> {
    return this.#world.admin.request({
      method: 'PATCH',
      path: resourcePath(resources.Service, { namespace: 'default', name }),
      body,
      contentType: 'application/merge-patch+json',
    });
  }

  async addWorker(): Promise<void> {
    const i = this.#nextWorker++;
    const device = this.#world.addDevice(i);
    const name = `node-${String(i)}`;
    // A kubelet with --cloud-provider=external: tainted, and often no provider ID (found by name).
    const identified = this.#random() < 0.5;
    const providerID = identified ? { providerID: `equinixmetal://${device}` } : {};
    await this.#write('node joined', () =>
      createNode(this.#world.admin, name, { uninitialized: true, ...providerID }),
    );
    this.nodes.set(name, device);
    if (identified) this.#identified.add(name);
  }

  async #createService(): Promise<void> {
    const name = `soak-${String(this.#nextService++)}`;
    this.services.set(name, 'lb');
    await this.#write('Service created', () => createLoadBalancerService(this.#world.admin, name));
  }

  async #deleteService(): Promise<void> {
    const name = this.#pick([...this.services.keys()]);
    if (name === undefined) return;
    this.services.delete(name);
    this.deleted.add(name);
    await this.#write('Service deleted', () =>
      this.#world.admin.request({
        method: 'DELETE',
        path: resourcePath(resources.Service, { namespace: 'default', name }),
      }),
    );
  }

  /** To ClusterIP, leaving spec.loadBalancerIP as it is: the API server keeps it, the CCM must not. */
  async #retype(): Promise<void> {
    const name = this.#pick([...this.services].filter(([, s]) => s === 'lb').map(([n]) => n));
    if (name === undefined) return;
    this.services.set(name, 'clusterip');
    await this.#write('Service retyped to ClusterIP', () =>
      this.#patchService(name, {
        spec: {
          type: 'ClusterIP',
          ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
          allocateLoadBalancerNodePorts: null,
          externalTrafficPolicy: null,
        },
      }),
    );
  }

  /** Back to LoadBalancer: ours again, or another controller's (a class can only be set so). */
  async #reclass(): Promise<void> {
    const name = this.#pick(
      [...this.services].filter(([, s]) => s === 'clusterip').map(([n]) => n),
    );
    if (name === undefined) return;
    const toOther = this.#random() < 0.5;
    this.services.set(name, toOther ? 'other-class' : 'lb');
    await this.#write(
      toOther ? 'Service re-classed (another controller)' : 'Service retyped to LoadBalancer',
      () =>
        this.#patchService(name, {
          spec: { type: 'LoadBalancer', ...(toOther ? { loadBalancerClass: otherClass } : {}) },
        }),
    );
  }

  async #removeNode(): Promise<void> {
    const name = this.#pick([...this.nodes.keys()]);
    if (name === undefined) return;
    this.nodes.delete(name);
    await this.#write('node left', () =>
      this.#world.admin.request({ method: 'DELETE', path: resourcePath(resources.Node, { name }) }),
    );
  }

  /**
   * The device of a Node created with a provider ID goes; the Node stays until the CCM deletes it
   * (it is not Ready). A Node found by name could lose its device before the CCM matched it, and
   * then nothing says it was ever a Metal node: the CCM rightly leaves such a Node alone.
   */
  #deleteDevice(): Promise<void> {
    const device = this.#pick(
      [...this.nodes].filter(([name]) => this.#identified.has(name)).map(([, d]) => d),
    );
    if (device === undefined || !this.#world.devices.has(device)) return Promise.resolve();
    this.#world.deleteDevice(device);
    this.#count('device deleted');
    return Promise.resolve();
  }

  #flipHealth(): Promise<void> {
    const standIns = this.#world.cp.standIns;
    const standIn = this.#pick(standIns);
    if (standIn === undefined || this.holdingControlPlane) return Promise.resolve();
    standIn.healthy = !standIn.healthy;
    // Never all three down for long: one is brought back when none is healthy.
    if (standIns.every((s) => !s.healthy)) standIn.healthy = true;
    this.#count('control-plane health flipped');
    return Promise.resolve();
  }

  /** The EIP's holder fails while the others are healthy: the CCM must move it. False: no holder now. */
  failControlPlaneHolder(): boolean {
    const holder = this.#world.cp.holder();
    if (holder === undefined) return false;
    for (const s of this.#world.cp.standIns) s.healthy = s.deviceId !== holder;
    this.holdingControlPlane = true;
    this.#count('control-plane holder failed on purpose');
    return true;
  }

  readonly #changes: [number, () => Promise<void>][] = [
    [30, () => this.#createService()],
    [14, () => this.#deleteService()],
    [10, () => this.#retype()],
    [10, () => this.#reclass()],
    [10, () => this.addWorker()],
    [8, () => this.#removeNode()],
    [6, () => this.#deleteDevice()],
    [8, () => this.#flipHealth()],
  ];

  /** One random change, weighted. */
  async step(): Promise<void> {
    let roll = this.#random() * this.#changes.reduce((s, [w]) => s + w, 0);
    await this.#changes.find(([w]) => (roll -= w) < 0)?.[1]();
  }
}
