import type { MetalWorld } from '../providers/fixture/metal.ts';
import { ipv4ToNumber } from './addresses.ts';
import { block, ReservationTable } from './address-pool.ts';

/** JSON objects as the API sends them. */
export type Json = Record<string, unknown>;

export interface WorldOptions {
  readonly addressRange?: { readonly first: string; readonly count: number };
  /** Addresses that created reservations may hold in all; beyond, requests stay pending. */
  readonly quota?: number;
  /** The clock of created_at fields; tests can pin it. */
  readonly now?: () => Date;
}

export const api = '/metal/v1';
/** An API link to `path` (relative to the API's base). */
export const href = (path: string): Json => ({ href: `${api}${path}` });
/** The id at the end of an `{href}` reference. */
export const hrefId = (h: unknown): string =>
  typeof h === 'object' && h !== null && typeof (h as Json)['href'] === 'string'
    ? (((h as Json)['href'] as string).split('/').pop() ?? '')
    : '';

const clone = <T>(value: T): T => structuredClone(value);

/**
 * The Metal project the emulator serves: seeded from a fixture's `metal.json`, changed by the
 * requests it answers (the operations in `operations/`, one module per area of the API).
 */
export class EmulatorWorld {
  project: Json;
  bgpConfig: Json;
  readonly devices = new Map<string, Json>();
  readonly seededNeighbors = new Map<string, Json[]>();
  readonly sessions: Json[] = [];
  readonly reservations = new ReservationTable();
  /** Where new Elastic IPs come from. */
  readonly range: { readonly first: number; readonly count: number };
  readonly quota: number;
  readonly #now: () => Date;

  constructor(world: MetalWorld, options: WorldOptions = {}) {
    this.project = clone(world.project as Json);
    this.bgpConfig = clone((world.bgp_config ?? {}) as Json);
    for (const d of world.devices as Json[])
      this.devices.set(String(d['id']).toLowerCase(), clone(d));
    for (const [id, list] of Object.entries(world.bgp_neighbors))
      this.seededNeighbors.set(id.toLowerCase(), clone(list as Json[]));
    this.sessions.push(...clone(world.bgp_sessions as Json[]));
    for (const r of world.ips as Json[])
      this.reservations.set(String(r['id']).toLowerCase(), clone(r));
    const range = options.addressRange ?? { first: '198.51.100.0', count: 256 };
    this.range = { first: ipv4ToNumber(range.first), count: range.count };
    this.quota = options.quota ?? Infinity;
    this.#now = options.now ?? (() => new Date());
  }

  get projectId(): string {
    return String(this.project['id']).toLowerCase();
  }

  /** Now, as the API writes timestamps. */
  time(): string {
    return this.#now().toISOString();
  }

  isProject(id: string): boolean {
    return id.toLowerCase() === this.projectId;
  }

  get bgpEnabled(): boolean {
    return typeof this.bgpConfig['id'] === 'string' && this.bgpConfig['status'] === 'enabled';
  }

  /** The device's private IPv4: its BGP source, and where a routed Elastic IP arrives. */
  privateIpv4(device: Json): string | undefined {
    const addresses = (device['ip_addresses'] ?? []) as Json[];
    const found = addresses.find((a) => a['address_family'] === 4 && a['public'] === false);
    return found === undefined ? undefined : String(found['address']);
  }

  /**
   * What Metal's routers report for the device's IPv4 session: one state per switch, "up,down"
   * (tests call this to take a session down or bring it back).
   */
  setSessionStatus(deviceId: string, status: string): boolean {
    const session = this.sessions.find(
      (s) =>
        s['address_family'] === 'ipv4' &&
        String((s['device'] as Json | undefined)?.['href'])
          .toLowerCase()
          .endsWith(`/devices/${deviceId.toLowerCase()}`),
    );
    if (session === undefined) return false;
    Object.assign(session, { status, updated_at: this.time() });
    return true;
  }

  /** What Equinix staff do for a pending request: give it an address (tests call this). */
  approve(reservationId: string): boolean {
    const id = reservationId.toLowerCase();
    const reservation = this.reservations.get(id);
    const address = this.reservations.freeAddress(this.range);
    if (reservation?.['state'] !== 'pending' || address === undefined) return false;
    Object.assign(reservation, { state: 'created', enabled: true, ...block(address, 32) });
    this.reservations.set(id, reservation); // counted anew: it holds an address now
    return true;
  }
}
