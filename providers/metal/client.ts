import type { z } from 'zod';
import type { DeviceId, ProjectId } from '../../model/ids.ts';
import type {
  BgpConfig,
  BgpNeighbor,
  BgpSession,
  Device,
  Project,
  Reservation,
} from '../../model/metal.ts';
import type { Problem } from '../../model/snapshot.ts';
import { MetalResponseError, isNotFound } from './errors.ts';
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

  /** A list the API answers in one body, without pages (an absent list is an empty one). */
  async #unpaged<T>(
    operation: string,
    path: string,
    key: string,
    schema: z.ZodType<T>,
    what: string,
  ): Promise<Listed<T>> {
    const { data } = await this.#transport.send({
      operation,
      method: 'GET',
      path,
      idempotent: true,
    });
    const items = (data as Record<string, unknown> | null)?.[key] ?? [];
    if (!Array.isArray(items)) throw new MetalResponseError(operation, `${key}: expected a list`);
    return parseEach(schema, items, what);
  }

  /** getBgpNeighborData */
  getBgpNeighbors(device: DeviceId): Promise<Listed<BgpNeighbor>> {
    return this.#unpaged(
      'getBgpNeighborData',
      `/devices/${device}/bgp/neighbors`,
      'bgp_neighbors',
      bgpNeighborSchema,
      `BGP neighbour of device ${device}`,
    );
  }

  /** findProjectBgpSessions: one call for the whole project. */
  listBgpSessions(project: ProjectId): Promise<Listed<BgpSession>> {
    return this.#unpaged(
      'findProjectBgpSessions',
      `/projects/${project}/bgp/sessions`,
      'bgp_sessions',
      bgpSessionSchema,
      'BGP session',
    );
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
}
