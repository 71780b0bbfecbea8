import { randomUUID } from 'node:crypto';
import type { MetalWorld } from '../providers/fixture/metal.ts';
import { contains, ipv4ToNumber, netmaskOf, numberToIpv4 } from './addresses.ts';

/** JSON objects as the API sends them. */
export type Json = Record<string, unknown>;

/** What an operation answers: a status, a body (absent for 204) and extra headers. */
export interface Answer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export const ok = (body: unknown, status = 200): Answer => ({ status, body });
export const noContent: Answer = { status: 204 };
export const notFound = (what = 'Not found'): Answer => ({ status: 404, body: { error: what } });
export const unprocessable = (...errors: string[]): Answer => ({ status: 422, body: { errors } });

export interface WorldOptions {
  readonly addressRange?: { readonly first: string; readonly count: number };
  readonly quota?: number;
  /** The clock of created_at fields; tests can pin it. */
  readonly now?: () => Date;
}

const api = '/metal/v1';
const href = (path: string): Json => ({ href: `${api}${path}` });
/** The id at the end of an `{href}` reference. */
export const hrefId = (h: unknown): string =>
  typeof h === 'object' && h !== null && typeof (h as Json)['href'] === 'string'
    ? (((h as Json)['href'] as string).split('/').pop() ?? '')
    : '';

const clone = <T>(value: T): T => structuredClone(value);

/**
 * The Metal project the emulator serves: seeded from a fixture's `metal.json`, changed by the
 * requests it answers. Each method is one API operation and answers as the real API does.
 */
export class EmulatorWorld {
  project: Json;
  bgpConfig: Json;
  readonly devices = new Map<string, Json>();
  readonly seededNeighbors = new Map<string, Json[]>();
  readonly sessions: Json[] = [];
  readonly reservations = new Map<string, Json>();
  readonly #range: { first: number; count: number };
  readonly #quota: number;
  readonly #now: () => Date;

  constructor(world: MetalWorld, options: WorldOptions = {}) {
    this.project = clone(world.project as Json);
    this.bgpConfig = clone((world.bgp_config ?? {}) as Json);
    for (const d of world.devices as Json[])
      this.devices.set(String(d['id']).toLowerCase(), clone(d));
    for (const [id, list] of Object.entries(world.bgp_neighbors)) {
      this.seededNeighbors.set(id.toLowerCase(), clone(list as Json[]));
    }
    this.sessions.push(...clone(world.bgp_sessions as Json[]));
    for (const r of world.ips as Json[])
      this.reservations.set(String(r['id']).toLowerCase(), clone(r));
    const range = options.addressRange ?? { first: '198.51.100.0', count: 256 };
    this.#range = { first: ipv4ToNumber(range.first), count: range.count };
    this.#quota = options.quota ?? Infinity;
    this.#now = options.now ?? (() => new Date());
  }

  get projectId(): string {
    return String(this.project['id']).toLowerCase();
  }

  #time(): string {
    return this.#now().toISOString();
  }

  #isProject(id: string): boolean {
    return id.toLowerCase() === this.projectId;
  }

  // --- projects -----------------------------------------------------------------------------

  findProjectById(id: string): Answer {
    return this.#isProject(id) ? ok(this.project) : notFound();
  }

  findBgpConfigByProject(id: string): Answer {
    // Never requested: 200 with an empty structure (ENDPOINTS.md §2a).
    return this.#isProject(id) ? ok(this.bgpConfig) : notFound();
  }

  get bgpEnabled(): boolean {
    return typeof this.bgpConfig['id'] === 'string' && this.bgpConfig['status'] === 'enabled';
  }

  requestBgpConfig(id: string, body: Json): Answer {
    if (!this.#isProject(id)) return notFound();
    const problems: string[] = [];
    const type = body['deployment_type'];
    const asn = body['asn'];
    const md5 = body['md5'];
    if (type !== 'local' && type !== 'global')
      problems.push('deployment_type must be local or global');
    if (typeof asn !== 'number' || !Number.isInteger(asn) || asn < 1 || asn > 4294967295)
      problems.push('asn is invalid');
    if (md5 !== undefined && md5 !== null && md5 !== '') {
      const valid =
        typeof md5 === 'string' &&
        /^[A-Za-z0-9]{10,20}$/.test(md5) &&
        /[a-z]/.test(md5) &&
        /[A-Z]/.test(md5) &&
        /\d/.test(md5);
      if (!valid)
        problems.push(
          'md5 must be 10-20 letters and digits with lower case, upper case and a digit',
        );
    }
    if (this.bgpEnabled) problems.push('BGP is already enabled for this project');
    if (problems.length > 0) return unprocessable(...problems);
    const configId = typeof this.bgpConfig['id'] === 'string' ? this.bgpConfig['id'] : randomUUID();
    const now = this.#time();
    this.bgpConfig = {
      id: configId,
      href: `${api}/bgp-configs/${configId}`,
      asn,
      deployment_type: type,
      status: type === 'local' ? 'enabled' : 'requested',
      max_prefix: 10,
      route_object: '',
      ranges: [],
      sessions: [],
      project: href(`/projects/${this.projectId}`),
      created_at: now,
      requested_at: now,
      ...(typeof md5 === 'string' && md5 !== '' ? { md5 } : {}),
    };
    this.project = { ...this.project, bgp_config: href(`/bgp-configs/${configId}`) };
    return noContent;
  }

  findProjectBgpSessions(id: string): Answer {
    return this.#isProject(id) ? ok({ bgp_sessions: this.sessions }) : notFound();
  }

  // --- devices ------------------------------------------------------------------------------

  listDevices(id: string): Json[] | undefined {
    return this.#isProject(id) ? [...this.devices.values()] : undefined;
  }

  findDeviceById(id: string): Answer {
    const device = this.devices.get(id.toLowerCase());
    return device === undefined ? notFound() : ok(device);
  }

  #sessionOf(deviceId: string, family: string): Json | undefined {
    return this.sessions.find(
      (s) => hrefId(s['device']) === deviceId && s['address_family'] === family,
    );
  }

  /** The device's private IPv4: its BGP source, and where a routed Elastic IP arrives. */
  privateIpv4(device: Json): string | undefined {
    const addresses = (device['ip_addresses'] ?? []) as Json[];
    const found = addresses.find((a) => a['address_family'] === 4 && a['public'] === false);
    return found === undefined ? undefined : String(found['address']);
  }

  /** Neighbours exist once project BGP is on and the device has a session; seeded ones win. */
  neighborsOf(deviceId: string): Json[] {
    const device = this.devices.get(deviceId);
    if (device === undefined || !this.bgpEnabled || this.#sessionOf(deviceId, 'ipv4') === undefined)
      return [];
    const seeded = this.seededNeighbors.get(deviceId);
    if (seeded !== undefined) return seeded;
    const md5 = typeof this.bgpConfig['md5'] === 'string' ? this.bgpConfig['md5'] : undefined;
    return [
      {
        address_family: 4,
        customer_as: this.bgpConfig['asn'],
        customer_ip: this.privateIpv4(device) ?? '',
        md5_enabled: md5 !== undefined,
        ...(md5 === undefined ? {} : { md5_password: md5 }),
        multihop: true,
        peer_as: 65530,
        peer_ips: ['169.254.255.1', '169.254.255.2'],
        routes_in: [],
        routes_out: [],
      },
    ];
  }

  getBgpNeighborData(deviceId: string): Answer {
    const id = deviceId.toLowerCase();
    return this.devices.has(id) ? ok({ bgp_neighbors: this.neighborsOf(id) }) : notFound();
  }

  createBgpSession(deviceId: string, body: Json): Answer {
    const id = deviceId.toLowerCase();
    if (!this.devices.has(id)) return notFound();
    const family = body['address_family'];
    if (family !== 'ipv4' && family !== 'ipv6')
      return unprocessable('address_family must be ipv4 or ipv6');
    if (!this.bgpEnabled) return unprocessable('BGP is not enabled for this project');
    if (this.#sessionOf(id, family) !== undefined) {
      return unprocessable(`Device ${id} already has session for ${family}`);
    }
    const sessionId = randomUUID();
    const now = this.#time();
    const session = {
      id: sessionId,
      href: `${api}/bgp/sessions/${sessionId}`,
      address_family: family,
      default_route: false,
      device: href(`/devices/${id}`),
      learned_routes: [],
      status: 'unknown',
      created_at: now,
      updated_at: now,
    };
    this.sessions.push(session);
    return ok(session, 201);
  }

  // --- IP reservations and assignments -------------------------------------------------------

  listReservations(id: string): Json[] | undefined {
    return this.#isProject(id) ? [...this.reservations.values()] : undefined;
  }

  /** Assignments are href-only unless `include=assignments` (ENDPOINTS.md §0). */
  present(reservation: Json, includeAssignments: boolean): Json {
    if (includeAssignments) return reservation;
    const assignments = (reservation['assignments'] ?? []) as Json[];
    return { ...reservation, assignments: assignments.map((a) => ({ href: a['href'] })) };
  }

  #usedAddresses(): number {
    return [...this.reservations.values()]
      .filter(
        (r) =>
          r['state'] !== 'pending' &&
          r['state'] !== 'denied' &&
          r['type'] !== 'private_ipv4' &&
          r['address_family'] !== 6,
      )
      .reduce((n, r) => n + 2 ** (32 - Number(r['cidr'] ?? 32)), 0);
  }

  #freeAddress(): string | undefined {
    const taken = new Set([...this.reservations.values()].map((r) => r['address']));
    for (let i = 0; i < this.#range.count; i++) {
      const candidate = numberToIpv4(this.#range.first + i);
      if (!taken.has(candidate)) return candidate;
    }
    return undefined;
  }

  #metro(code: string): Json {
    return { id: randomUUID(), code, name: code.toUpperCase(), country: 'US' };
  }

  requestIPReservation(id: string, body: Json): Answer {
    if (!this.#isProject(id)) return notFound();
    const type = body['type'];
    const quantity = body['quantity'];
    const metro = body['metro'];
    const facility = body['facility'];
    const problems: string[] = [];
    if (type !== 'public_ipv4' && type !== 'global_ipv4')
      problems.push(`type ${String(type)} is not supported here`);
    if (typeof quantity !== 'number' || quantity < 1 || !Number.isInteger(Math.log2(quantity)))
      problems.push('quantity must be a power of two');
    if (type === 'public_ipv4' && typeof metro !== 'string' && typeof facility !== 'string')
      problems.push('metro or facility is required for public_ipv4');
    if (type === 'global_ipv4' && (metro !== undefined || facility !== undefined))
      problems.push('global_ipv4 takes no location');
    if (problems.length > 0) return unprocessable(...problems);
    const size = quantity as number;
    const overQuota = this.#usedAddresses() + size > this.#quota;
    if (overQuota && body['fail_on_approval_required'] === true) {
      return unprocessable('request exceeds your quota and would require approval');
    }
    const reservationId = randomUUID();
    const base: Json = {
      id: reservationId,
      href: `${api}/ips/${reservationId}`,
      type,
      address_family: 4,
      public: true,
      management: false,
      manageable: true,
      global_ip: type === 'global_ipv4',
      tags: Array.isArray(body['tags']) ? body['tags'] : [],
      customdata: body['customdata'] ?? {},
      details: body['details'] ?? '',
      assignments: [],
      project: href(`/projects/${this.projectId}`),
      created_at: this.#time(),
      ...(typeof metro === 'string' ? { metro: this.#metro(metro.toLowerCase()) } : {}),
      ...(typeof facility === 'string'
        ? { facility: { id: randomUUID(), code: facility.toLowerCase(), name: facility } }
        : {}),
    };
    const address = overQuota || size !== 1 ? undefined : this.#freeAddress();
    const reservation =
      address === undefined
        ? { ...base, state: 'pending' }
        : { ...base, state: 'created', ...this.#block(address, 32), enabled: true };
    this.reservations.set(reservationId, reservation);
    return ok(reservation, 201);
  }

  #block(address: string, cidr: number): Json {
    return { address, network: address, gateway: address, cidr, netmask: netmaskOf(cidr) };
  }

  /** What Equinix staff do for a pending request: give it an address (tests call this). */
  approve(reservationId: string): boolean {
    const reservation = this.reservations.get(reservationId.toLowerCase());
    const address = this.#freeAddress();
    if (reservation?.['state'] !== 'pending' || address === undefined) return false;
    Object.assign(reservation, { state: 'created', enabled: true, ...this.#block(address, 32) });
    return true;
  }

  #assignment(id: string): { reservation: Json; assignment: Json } | undefined {
    for (const reservation of this.reservations.values()) {
      const assignment = ((reservation['assignments'] ?? []) as Json[]).find((a) => a['id'] === id);
      if (assignment !== undefined) return { reservation, assignment };
    }
    return undefined;
  }

  findIPAddressById(id: string, includeAssignments: boolean): Answer {
    const key = id.toLowerCase();
    const reservation = this.reservations.get(key);
    if (reservation !== undefined) return ok(this.present(reservation, includeAssignments));
    const found = this.#assignment(key);
    return found === undefined ? notFound() : ok(found.assignment);
  }

  /**
   * Deleting a reservation releases it with its assignments (the sources do not say; the spec
   * declares no 422 here, so the emulator does not invent one). Deleting an assignment unassigns.
   */
  deleteIPAddress(id: string): Answer {
    const key = id.toLowerCase();
    const reservation = this.reservations.get(key);
    if (reservation !== undefined) {
      for (const a of (reservation['assignments'] ?? []) as Json[]) this.#unassign(a);
      this.reservations.delete(key);
      return noContent;
    }
    const found = this.#assignment(key);
    if (found === undefined) return notFound();
    found.reservation['assignments'] = (found.reservation['assignments'] as Json[]).filter(
      (a) => a['id'] !== key,
    );
    this.#unassign(found.assignment);
    return noContent;
  }

  #unassign(assignment: Json): void {
    const device = this.devices.get(hrefId(assignment['assigned_to']));
    if (device !== undefined) {
      device['ip_addresses'] = ((device['ip_addresses'] ?? []) as Json[]).filter(
        (a) => a['id'] !== assignment['id'],
      );
    }
  }

  createIPAssignment(deviceId: string, body: Json): Answer {
    const device = this.devices.get(deviceId.toLowerCase());
    if (device === undefined) return notFound();
    const raw = body['address'];
    if (typeof raw !== 'string') return unprocessable('address is required');
    const address = raw.split('/')[0] ?? '';
    const reservation = [...this.reservations.values()].find(
      (r) =>
        typeof r['network'] === 'string' &&
        r['address_family'] === 4 &&
        contains(r['network'], Number(r['cidr']), address),
    );
    if (reservation === undefined)
      return unprocessable(`Address ${address} is not in a reservation of this project`);
    if (reservation['state'] !== 'created')
      return unprocessable(
        `Reservation ${String(reservation['id'])} is ${String(reservation['state'])}`,
      );
    const assignments = (reservation['assignments'] ?? []) as Json[];
    if (assignments.some((a) => a['address'] === address))
      return unprocessable(`Address ${address} is already assigned`);
    const assignmentId = randomUUID();
    const assignment = {
      id: assignmentId,
      href: `${api}/ips/${assignmentId}`,
      address,
      address_family: 4,
      public: true,
      management: false,
      manageable: true,
      enabled: true,
      global_ip: reservation['type'] === 'global_ipv4',
      ...this.#block(address, 32),
      assigned_to: href(`/devices/${String(device['id'])}`),
      parent_block: {
        network: reservation['network'],
        netmask: reservation['netmask'],
        cidr: reservation['cidr'],
        href: reservation['href'],
      },
      created_at: this.#time(),
      ...(reservation['metro'] === undefined ? {} : { metro: reservation['metro'] }),
    };
    reservation['assignments'] = [...assignments, assignment];
    device['ip_addresses'] = [...((device['ip_addresses'] ?? []) as Json[]), assignment];
    return ok(assignment, 201);
  }

  findIPAssignments(deviceId: string): Answer {
    const device = this.devices.get(deviceId.toLowerCase());
    return device === undefined ? notFound() : ok({ ip_addresses: device['ip_addresses'] ?? [] });
  }

  // --- locations ----------------------------------------------------------------------------

  #codes(key: 'metro' | 'facility'): string[] {
    const seen = [...this.devices.values(), ...this.reservations.values()]
      .map((o) => (o[key] as Json | undefined)?.['code'])
      .filter((c): c is string => typeof c === 'string')
      .map((c) => c.toLowerCase());
    const defaults = key === 'metro' ? ['da', 'ny', 'sv'] : ['da11', 'ny5', 'sv15'];
    return [...new Set([...defaults, ...seen])].sort();
  }

  findMetros(): Answer {
    return ok({ metros: this.#codes('metro').map((code) => this.#metro(code)) });
  }

  findFacilities(): Answer {
    return ok({
      facilities: this.#codes('facility').map((code) => ({
        id: randomUUID(),
        code,
        name: code,
        features: [],
        ip_ranges: [],
      })),
    });
  }

  // --- the on-host metadata document (METADATA.md) -------------------------------------------

  metadataOf(deviceId: string): Answer {
    const device = this.devices.get(deviceId.toLowerCase());
    if (device === undefined) return { status: 404, body: { message: 'resource not found' } };
    const neighbors = this.neighborsOf(deviceId.toLowerCase());
    return ok({
      id: device['id'],
      hostname: device['hostname'],
      plan: (device['plan'] as Json | undefined)?.['slug'],
      metro: (device['metro'] as Json | undefined)?.['code'],
      facility: (device['facility'] as Json | undefined)?.['code'],
      tags: device['tags'] ?? [],
      network: { addresses: device['ip_addresses'] ?? [], interfaces: [], bonding: { mode: 4 } },
      ...(neighbors.length > 0 ? { bgp_neighbors: neighbors } : {}),
    });
  }
}
