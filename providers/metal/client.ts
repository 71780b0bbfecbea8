import type { z } from '../zod.ts';
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
  parseReservations,
  projectSchema,
} from './schemas.ts';
import { PageBounds, type PageMeta } from './paging.ts';
import type { RateLimitReading } from './rate-limit.ts';
import type { MetalAnswer, MetalRequestSpec, MetalTransport } from './transport.ts';

/** A list read in full: the items that parsed, and a problem for each that did not. */
export interface Listed<T> {
  readonly values: T[];
  readonly problems: Problem[];
  /** Ids of items the API listed that did not parse. */
  readonly skippedIds: string[];
}

/** What a call may carry: the deadline of the observation it is part of. */
export interface CallOptions {
  readonly signal?: AbortSignal | undefined;
}

const withSignal = (options: CallOptions) =>
  options.signal === undefined ? {} : { signal: options.signal };

/** A list's body: the collection under its key, and `meta` when the list is paged. */
function pageOf(
  operation: string,
  data: unknown,
  key: string,
): { items: unknown[]; meta: PageMeta } {
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new MetalResponseError(
      operation,
      `expected an object with ${key}, got ${describe(data)}`,
    );
  const body = data as Record<string, unknown>;
  const items = body[key] ?? [];
  if (!Array.isArray(items))
    throw new MetalResponseError(operation, `${key}: expected a list, got ${describe(items)}`);
  const meta = body['meta'];
  return { items, meta: typeof meta === 'object' && meta !== null ? meta : {} };
}

const describe = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value;

/**
 * Typed calls for every endpoint the CCM needs (the Metal API's operationIds in comments). Bodies
 * are parsed at the edge into domain types; list endpoints are read in full, page by page, within
 * bounds (see PageBounds).
 */
export class MetalClient {
  readonly #transport: MetalTransport;
  readonly #perPage: number;
  readonly #pageCap: number | undefined;

  constructor(transport: MetalTransport, options: { perPage?: number; pageCap?: number } = {}) {
    this.#transport = transport;
    this.#perPage = options.perPage ?? 1000;
    this.#pageCap = options.pageCap;
  }

  /** Sends a request as it is: what the applier's Metal executor uses for planned actions. */
  send(spec: MetalRequestSpec): Promise<MetalAnswer> {
    return this.#transport.send(spec);
  }

  async #get<T>(
    operation: string,
    path: string,
    schema: z.ZodMiniType<T>,
    options: CallOptions,
  ): Promise<T> {
    const { data } = await this.#transport.send({
      operation,
      method: 'GET',
      path,
      idempotent: true,
      ...withSignal(options),
    });
    const parsed = parseOne(schema, data, operation);
    if (!parsed.ok) throw new MetalResponseError(operation, parsed.error);
    return parsed.value;
  }

  /** Every item of a paged list: large pages, following `meta` to the last one, within bounds. */
  async #list(
    operation: string,
    path: string,
    key: string,
    options: CallOptions,
    query: Record<string, string> = {},
  ): Promise<unknown[]> {
    const raw: unknown[] = [];
    const bounds = new PageBounds(operation, this.#pageCap);
    for (let page = 1, more = true; more; page++) {
      const { data } = await this.#transport.send({
        operation,
        method: 'GET',
        path,
        idempotent: true,
        query: { ...query, page, per_page: this.#perPage },
        ...withSignal(options),
      });
      const { items, meta } = pageOf(operation, data, key);
      raw.push(...items);
      more = bounds.next(page, items, meta);
    }
    return raw;
  }

  /** The rate-limit window as the last answer told it. */
  get rateLimit(): RateLimitReading | undefined {
    return this.#transport.rateLimit;
  }

  /** findProjectById */
  getProject(id: ProjectId, options: CallOptions = {}): Promise<Project> {
    return this.#get('findProjectById', `/projects/${id}`, projectSchema, options);
  }

  /** findBgpConfigByProject: an empty config (no id) when BGP was never requested. */
  getBgpConfig(project: ProjectId, options: CallOptions = {}): Promise<BgpConfig> {
    const path = `/projects/${project}/bgp-config`;
    return this.#get('findBgpConfigByProject', path, bgpConfigSchema, options);
  }

  /** findProjectDevices, every page. */
  async listDevices(project: ProjectId, options: CallOptions = {}): Promise<Listed<Device>> {
    const path = `/projects/${project}/devices`;
    const raw = await this.#list('findProjectDevices', path, 'devices', options);
    return parseEach(deviceSchema, raw, 'device');
  }

  /** findDeviceById: undefined when the device does not exist. */
  async getDevice(id: DeviceId, options: CallOptions = {}): Promise<Device | undefined> {
    try {
      return await this.#get('findDeviceById', `/devices/${id}`, deviceSchema, options);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** A list the API answers in one body, without pages (an absent list is an empty one). */
  async #unpaged(operation: string, path: string, key: string, options: CallOptions) {
    const { data } = await this.#transport.send({
      operation,
      method: 'GET',
      path,
      idempotent: true,
      ...withSignal(options),
    });
    return pageOf(operation, data ?? {}, key).items;
  }

  /** getBgpNeighborData */
  async getBgpNeighbors(device: DeviceId, options: CallOptions = {}): Promise<Listed<BgpNeighbor>> {
    const path = `/devices/${device}/bgp/neighbors`;
    const raw = await this.#unpaged('getBgpNeighborData', path, 'bgp_neighbors', options);
    return parseEach(bgpNeighborSchema, raw, `BGP neighbour of device ${device}`);
  }

  /** findProjectBgpSessions: one call for the whole project. */
  async listBgpSessions(
    project: ProjectId,
    options: CallOptions = {},
  ): Promise<Listed<BgpSession>> {
    const path = `/projects/${project}/bgp/sessions`;
    const raw = await this.#unpaged('findProjectBgpSessions', path, 'bgp_sessions', options);
    return parseEach(bgpSessionSchema, raw, 'BGP session');
  }

  /**
   * findIPReservations with their assignments, every page. The devices' own (management) blocks
   * the list also holds are read past and left out (see isManagementBlock).
   */
  async listReservations(
    project: ProjectId,
    options: CallOptions = {},
  ): Promise<Listed<Reservation>> {
    const path = `/projects/${project}/ips`;
    const query = { include: 'assignments' };
    const raw = await this.#list('findIPReservations', path, 'ip_addresses', options, query);
    return parseReservations(raw);
  }

  /** findMetros (or findFacilities): the codes of every location the API knows, lower case. */
  async listLocationCodes(
    kind: 'metros' | 'facilities',
    options: CallOptions = {},
  ): Promise<string[]> {
    const [operation, path] =
      kind === 'metros' ? ['findMetros', '/locations/metros'] : ['findFacilities', '/facilities'];
    const raw = await this.#unpaged(operation, path, kind, options);
    return raw.flatMap((item) => {
      const code = (item as { code?: unknown } | null)?.code;
      return typeof code === 'string' ? [code.toLowerCase()] : [];
    });
  }
}
