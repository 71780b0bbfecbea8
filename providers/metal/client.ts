import type { z } from 'zod';
import type { AssignmentId, DeviceId, ProjectId, ReservationId } from '../../model/ids.ts';
import type {
  BgpConfig,
  BgpNeighbor,
  BgpSession,
  Device,
  Project,
  Reservation,
} from '../../model/metal.ts';
import type { Problem } from '../../model/snapshot.ts';
import { MetalResponseError, isAlreadyHasSession, isNotFound } from './errors.ts';
import {
  bgpConfigSchema,
  bgpNeighborSchema,
  bgpSessionSchema,
  deviceSchema,
  parseEach,
  parseOne,
  projectSchema,
  reservationSchema,
} from './schemas.ts';
import type { MetalAnswer, MetalRequestSpec, MetalTransport } from './transport.ts';

/** A list read in full: the items that parsed, and a problem for each that did not. */
export interface Listed<T> {
  readonly values: T[];
  readonly problems: Problem[];
  /** Ids of items the API listed that did not parse. */
  readonly skippedIds: string[];
}

export interface ReservationRequest {
  readonly type: 'public_ipv4' | 'global_ipv4';
  readonly quantity: number;
  readonly metro?: string;
  readonly facility?: string;
  readonly tags: readonly string[];
  readonly fail_on_approval_required?: boolean;
}

export interface BgpConfigRequest {
  readonly deployment_type: 'local' | 'global';
  readonly asn: number;
  readonly md5?: string;
  readonly use_case?: string;
}

interface Meta {
  current_page?: number;
  last_page?: number;
  next?: { href?: string } | null;
}

/**
 * Typed calls for every endpoint the CCM needs (the Metal API's operationIds in comments). Bodies
 * are parsed at the edge into domain types; list endpoints are read in full, page by page.
 */
export class MetalClient {
  readonly #transport: MetalTransport;
  readonly #perPage: number;

  constructor(transport: MetalTransport, options: { perPage?: number } = {}) {
    this.#transport = transport;
    this.#perPage = options.perPage ?? 1000;
  }

  /** Sends a request as it is: what the applier's Metal executor uses for planned actions. */
  send(spec: MetalRequestSpec): Promise<MetalAnswer> {
    return this.#transport.send(spec);
  }

  async #get<T>(
    operation: string,
    path: string,
    schema: z.ZodType<T>,
    query?: Record<string, string>,
  ): Promise<T> {
    const { data } = await this.#transport.send({
      operation,
      method: 'GET',
      path,
      idempotent: true,
      ...(query ? { query } : {}),
    });
    const parsed = parseOne(schema, data, operation);
    if (!parsed.ok) throw new MetalResponseError(operation, parsed.error);
    return parsed.value;
  }

  /** Every page of a list: asks for large pages and follows `meta` to the last one. */
  async #list<T>(
    operation: string,
    path: string,
    key: string,
    schema: z.ZodType<T>,
    what: string,
    query: Record<string, string> = {},
  ): Promise<Listed<T>> {
    const raw: unknown[] = [];
    for (let page = 1; ; page++) {
      const { data } = await this.#transport.send({
        operation,
        method: 'GET',
        path,
        idempotent: true,
        query: { ...query, page, per_page: this.#perPage },
      });
      const body = (data ?? {}) as Record<string, unknown>;
      const items = body[key];
      if (!Array.isArray(items)) {
        throw new MetalResponseError(operation, `${key}: expected a list, got ${typeof items}`);
      }
      raw.push(...(items as unknown[]));
      const meta = (body['meta'] ?? {}) as Meta;
      const current = meta.current_page ?? page;
      const last = meta.last_page ?? current;
      if (current >= last || (meta.next == null && meta.last_page === undefined)) break;
    }
    return parseEach(schema, raw, what);
  }

  /** findProjectById */
  getProject(id: ProjectId): Promise<Project> {
    return this.#get('findProjectById', `/projects/${id}`, projectSchema);
  }

  /** findBgpConfigByProject: an empty config (no id) when BGP was never requested. */
  getBgpConfig(project: ProjectId): Promise<BgpConfig> {
    return this.#get('findBgpConfigByProject', `/projects/${project}/bgp-config`, bgpConfigSchema);
  }

  /** requestBgpConfig: not idempotent, never retried after an ambiguous failure. */
  async requestBgpConfig(project: ProjectId, body: BgpConfigRequest): Promise<void> {
    await this.#transport.send({
      operation: 'requestBgpConfig',
      method: 'POST',
      path: `/projects/${project}/bgp-configs`,
      body,
      idempotent: false,
    });
  }

  /** findProjectDevices, every page. */
  listDevices(project: ProjectId): Promise<Listed<Device>> {
    return this.#list(
      'findProjectDevices',
      `/projects/${project}/devices`,
      'devices',
      deviceSchema,
      'device',
    );
  }

  /** findDeviceById: undefined when the device does not exist. */
  async getDevice(id: DeviceId): Promise<Device | undefined> {
    try {
      return await this.#get('findDeviceById', `/devices/${id}`, deviceSchema);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** getBgpNeighborData */
  async getBgpNeighbors(device: DeviceId): Promise<Listed<BgpNeighbor>> {
    const { data } = await this.#transport.send({
      operation: 'getBgpNeighborData',
      method: 'GET',
      path: `/devices/${device}/bgp/neighbors`,
      idempotent: true,
    });
    const items = (data as { bgp_neighbors?: unknown } | null)?.bgp_neighbors ?? [];
    if (!Array.isArray(items))
      throw new MetalResponseError('getBgpNeighborData', 'bgp_neighbors: expected a list');
    return parseEach(bgpNeighborSchema, items, `BGP neighbour of device ${device}`);
  }

  /** createBgpSession: "already has session" counts as done, so it is safe to repeat. */
  async createBgpSession(
    device: DeviceId,
    family: 'ipv4' | 'ipv6',
  ): Promise<'created' | 'existed'> {
    try {
      await this.#transport.send({
        operation: 'createBgpSession',
        method: 'POST',
        path: `/devices/${device}/bgp/sessions`,
        body: { address_family: family },
        idempotent: true,
      });
      return 'created';
    } catch (error) {
      if (isAlreadyHasSession(error)) return 'existed';
      throw error;
    }
  }

  /** findProjectBgpSessions: one call for the whole project. */
  async listBgpSessions(project: ProjectId): Promise<Listed<BgpSession>> {
    const { data } = await this.#transport.send({
      operation: 'findProjectBgpSessions',
      method: 'GET',
      path: `/projects/${project}/bgp/sessions`,
      idempotent: true,
    });
    const items = (data as { bgp_sessions?: unknown } | null)?.bgp_sessions ?? [];
    if (!Array.isArray(items))
      throw new MetalResponseError('findProjectBgpSessions', 'bgp_sessions: expected a list');
    return parseEach(bgpSessionSchema, items, 'BGP session');
  }

  /** findIPReservations with their assignments, every page. */
  listReservations(project: ProjectId): Promise<Listed<Reservation>> {
    return this.#list(
      'findIPReservations',
      `/projects/${project}/ips`,
      'ip_addresses',
      reservationSchema,
      'reservation',
      {
        include: 'assignments',
      },
    );
  }

  /** requestIPReservation: not idempotent; the reservation's tags find it again after a doubt. */
  async requestReservation(project: ProjectId, body: ReservationRequest): Promise<Reservation> {
    const { data } = await this.#transport.send({
      operation: 'requestIPReservation',
      method: 'POST',
      path: `/projects/${project}/ips`,
      body,
      idempotent: false,
    });
    const parsed = parseOne(reservationSchema, data, 'requestIPReservation');
    if (!parsed.ok) throw new MetalResponseError('requestIPReservation', parsed.error);
    return parsed.value;
  }

  /** findIPAddressById for a reservation: undefined when it does not exist. */
  async getReservation(id: ReservationId): Promise<Reservation | undefined> {
    try {
      return await this.#get('findIPAddressById', `/ips/${id}`, reservationSchema, {
        include: 'assignments',
      });
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** deleteIPAddress: a reservation is released, an assignment unassigned; gone already is done. */
  async deleteIp(id: ReservationId | AssignmentId): Promise<'deleted' | 'absent'> {
    try {
      await this.#transport.send({
        operation: 'deleteIPAddress',
        method: 'DELETE',
        path: `/ips/${id}`,
        idempotent: true,
      });
      return 'deleted';
    } catch (error) {
      if (isNotFound(error)) return 'absent';
      throw error;
    }
  }

  /** createIPAssignment: not idempotent (a repeat is refused as already assigned). */
  async assignIp(device: DeviceId, address: string): Promise<AssignmentId> {
    const { data } = await this.#transport.send({
      operation: 'createIPAssignment',
      method: 'POST',
      path: `/devices/${device}/ips`,
      body: { address },
      idempotent: false,
    });
    const id = (data as { id?: unknown } | null)?.id;
    if (typeof id !== 'string')
      throw new MetalResponseError('createIPAssignment', 'id: expected a string');
    return id as AssignmentId;
  }

  /** findMetros: the metro codes Metal knows. */
  async listMetros(): Promise<string[]> {
    const { data } = await this.#transport.send({
      operation: 'findMetros',
      method: 'GET',
      path: '/locations/metros',
      idempotent: true,
    });
    return codes(data, 'metros', 'findMetros');
  }

  /** findFacilities (deprecated by Metal, still what `facility` settings name). */
  async listFacilities(): Promise<string[]> {
    const { data } = await this.#transport.send({
      operation: 'findFacilities',
      method: 'GET',
      path: '/facilities',
      idempotent: true,
    });
    return codes(data, 'facilities', 'findFacilities');
  }
}

function codes(data: unknown, key: string, operation: string): string[] {
  const items = (data as Record<string, unknown> | null)?.[key];
  if (!Array.isArray(items)) throw new MetalResponseError(operation, `${key}: expected a list`);
  return items
    .map((item) => (item as { code?: unknown } | null)?.code)
    .filter((code): code is string => typeof code === 'string')
    .map((code) => code.toLowerCase());
}
