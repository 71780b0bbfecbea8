import { resourcePath, resources } from '../../providers/kubernetes/resources.ts';
import type { KubeRest } from '../../providers/kubernetes/rest.ts';
import { syntheticDevice, syntheticProject, uuidOf } from '../../emulator/synthetic.ts';
import type { Json } from '../../emulator/world.ts';
import type { KubeEnvironment } from '../kube/harness.ts';
import {
  controlPlaneToken,
  controlPlaneWorld,
  type ControlPlaneWorld,
} from '../support/control-plane-world.ts';
import { soakSettings } from './run.ts';

/** Another cluster's Elastic IP in the same project: never the CCM's to touch. */
export const foreignTags = [
  'usage=cloud-provider-equinix-metal-auto',
  'service=c29tZW9uZQ==',
  'cluster=d00dfeed-0000-4000-8000-000000000002',
];

/** The peers Metal gives a device's BGP session, varied by device so that no guess fits all. */
const peerSets = [
  ['169.254.255.1', '169.254.255.2'],
  ['169.254.255.3'],
  ['169.254.255.10', '169.254.255.2'],
] as const;

/** What the world holds that the CCM must leave exactly as it is. */
const untouchedView = (r: Json | undefined): string =>
  JSON.stringify({ id: r?.['id'], tags: r?.['tags'], assignments: r?.['assignments'] ?? [] });

/**
 * The world a soak runs in, and what the driver put into it: the control plane of
 * control-plane-world.ts, a reservation of another cluster and an untagged one, and for every
 * device the driver makes its addresses and the BGP peers Metal will give it once the CCM has
 * enabled BGP and asked for a session. The invariants compare against this record, never
 * against what the CCM did.
 */
export class SoakWorld {
  readonly cp: ControlPlaneWorld;
  readonly admin: KubeRest;
  /** UID of kube-system: the `cluster=` tag of every reservation the CCM makes. */
  readonly clusterId: string;
  /** Every device the driver made (or the control plane had), as made: id → device JSON. */
  readonly devices = new Map<string, Json>();
  /** id → the peer IPs Metal gives that device's IPv4 session. */
  readonly peers = new Map<string, readonly string[]>();
  readonly #untouched: { id: string; view: string }[] = [];

  private constructor(cp: ControlPlaneWorld, admin: KubeRest, clusterId: string) {
    this.cp = cp;
    this.admin = admin;
    this.clusterId = clusterId;
  }

  static async create(kube: KubeEnvironment, admin: KubeRest, seed: number): Promise<SoakWorld> {
    const cp = await controlPlaneWorld({
      admin,
      port: Number(new URL(kube.server).port),
      tls: kube.servingCertificate,
      seed,
    });
    const namespace = await admin.request<{ metadata: { uid: string } }>({
      method: 'GET',
      path: resourcePath(resources.Namespace, { name: 'kube-system' }),
    });
    const world = new SoakWorld(cp, admin, namespace.metadata.uid);
    for (const [i, device] of [...cp.emulator.world.devices.values()].entries())
      world.#seedBgp(device, i);
    for (const tags of [foreignTags, undefined]) {
      const answer = await fetch(`${cp.emulator.url}/projects/${syntheticProject}/ips`, {
        method: 'POST',
        headers: { 'X-Auth-Token': controlPlaneToken, 'Content-Type': 'application/json' },
        body: JSON.stringify({ type: 'public_ipv4', quantity: 1, metro: 'da', tags }),
      });
      const made = (await answer.json()) as Json;
      world.#untouched.push({ id: String(made['id']), view: untouchedView(made) });
    }
    return world;
  }

  get emulator(): ControlPlaneWorld['emulator'] {
    return this.cp.emulator;
  }

  /** Metal's BGP neighbour of the device: the settings the driver gave, the peers it chose. */
  #seedBgp(device: Json, index: number): void {
    const id = String(device['id']);
    const peers = peerSets[index % peerSets.length] ?? [];
    this.devices.set(id, structuredClone(device));
    this.peers.set(id, peers);
    this.emulator.world.seededNeighbors.set(id, [
      {
        address_family: 4,
        customer_as: soakSettings.localAsn,
        customer_ip: this.emulator.world.privateIpv4(device) ?? '',
        md5_enabled: true,
        md5_password: soakSettings.password,
        multihop: true,
        peer_as: soakSettings.peerAsn,
        peer_ips: [...peers],
        routes_in: [],
        routes_out: [],
      },
    ]);
  }

  /** A new device `node-<i>` in the project. */
  addDevice(i: number): string {
    const device = syntheticDevice(i);
    this.emulator.world.devices.set(device.id, device);
    this.#seedBgp(device, i);
    return device.id;
  }

  deleteDevice(id: string): void {
    this.emulator.world.devices.delete(id);
    this.devices.delete(id);
    this.peers.delete(id);
  }

  /** The foreign and the untagged reservation, if either changed or went. */
  touched(): string[] {
    return this.#untouched
      .filter(({ id, view }) => untouchedView(this.emulator.world.reservations.get(id)) !== view)
      .map(({ id }) => `the reservation ${id} (another cluster's or untagged) was touched`);
  }

  close(): Promise<void> {
    return this.cp.close();
  }
}

export const deviceIdOf = (i: number): string => uuidOf(1, i);
