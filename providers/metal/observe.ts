import type { DeviceId, ProjectId } from '../../model/ids.ts';
import type { BgpConfig, BgpNeighbor, BgpSession, Device, Project } from '../../model/metal.ts';
import type { MetalNeeds, MetalObservation } from '../../model/observation.ts';
import type { Problem } from '../../model/snapshot.ts';
import type { CallOptions, MetalClient } from './client.ts';
import { deadline } from './deadline.ts';

interface CachedNeighbors {
  readonly fingerprint: string;
  readonly neighbors: readonly BgpNeighbor[];
}

/**
 * What a device's BGP neighbours depend on: its own addresses and the project's BGP settings.
 * While it holds, the cached neighbours are current and are not asked for again.
 */
function neighborFingerprint(device: Device, config: BgpConfig): string {
  const own = device.addresses
    .filter((a) => a.management)
    .map((a) => a.address)
    .sort();
  return JSON.stringify([
    own,
    config.id ?? '',
    config.asn ?? 0,
    config.status ?? '',
    config.md5 !== undefined,
  ]);
}

/**
 * Observes the Metal side of the world in a bounded number of calls per loop: the BGP config, the
 * project's devices and IP reservations (every page), the project's BGP sessions, and BGP
 * neighbours only for devices with a session whose neighbours are not cached yet. Never one call
 * per Service, and never one call per device in steady state.
 */
export class MetalObserver {
  readonly #client: MetalClient;
  readonly #projectId: ProjectId;
  readonly #neighbors = new Map<DeviceId, CachedNeighbors>();
  /** Devices Nodes name that were looked up and do not exist: not asked for again until a list. */
  readonly #absent = new Set<DeviceId>();
  /** Devices the last list held but could not read: there, and not looked up again until a list. */
  #unreadable: readonly string[] = [];
  /** The project does not change under a running CCM: read once. */
  #project: Project | undefined;

  /** How long one observation may take in all, retries and rate-limit pauses included. */
  readonly #deadlineMs: number;

  constructor(client: MetalClient, projectId: ProjectId, options: { deadlineMs?: number } = {}) {
    this.#client = client;
    this.#projectId = projectId;
    this.#deadlineMs = options.deadlineMs ?? 30_000;
  }

  /**
   * @param wantNeighbours whether BGP neighbours are needed at all (a load balancer is configured)
   * @param referencedDevices devices that Nodes name by provider ID: each one missing from the
   *   project's list is looked up once, so a device of another project is not taken for gone
   */
  observe(options: MetalNeeds): Promise<MetalObservation> {
    return this.#bounded((call) => this.#observe(options, call));
  }

  /**
   * What a state kept between lists (the last observation with the CCM's own writes folded in)
   * lacks, read by itself: devices Nodes name that it does not hold (each looked up once), and the
   * BGP neighbours of devices with a session whose neighbours are not cached. No list call.
   */
  refresh(state: MetalObservation['state'], options: MetalNeeds): Promise<MetalObservation> {
    return this.#bounded(async (call) => {
      const problems: Problem[] = [];
      const known = new Set<string>([...state.devices.map((d) => d.id), ...this.#unreadable]);
      const all = [...state.devices, ...(await this.#elsewhere(options, known, problems, call))];
      const devices =
        options.wantNeighbours && state.bgpConfig !== undefined
          ? await this.#attachNeighbors(all, state.bgpConfig, state.bgpSessions, problems, call)
          : all;
      return {
        state: { ...state, devices, complete: state.complete && problems.length === 0 },
        problems,
      };
    });
  }

  /** Within the observation's deadline: a call cut short is a problem, the deadline fails it all. */
  async #bounded(
    observe: (call: CallOptions) => Promise<MetalObservation>,
  ): Promise<MetalObservation> {
    const bound = deadline(this.#deadlineMs, 'the Metal observation');
    try {
      const observation = await observe({ signal: bound.signal });
      bound.signal.throwIfAborted();
      return observation;
    } finally {
      bound.done();
    }
  }

  async #observe(options: MetalNeeds, call: CallOptions): Promise<MetalObservation> {
    const project = this.#projectId;
    const [projectBody, bgpConfig, devices, reservations, sessions] = await Promise.all([
      this.#project ?? this.#client.getProject(project, call),
      this.#client.getBgpConfig(project, call),
      this.#client.listDevices(project, call),
      this.#client.listReservations(project, call),
      this.#client.listBgpSessions(project, call),
    ]);
    this.#project = projectBody;
    const problems: Problem[] = [
      ...devices.problems,
      ...reservations.problems,
      ...sessions.problems,
    ];
    // A device listed but unparseable is there; looking it up again would not help.
    this.#unreadable = devices.skippedIds;
    const known = new Set<string>([...devices.values.map((d) => d.id), ...devices.skippedIds]);
    this.#absent.clear();
    const all = [...devices.values, ...(await this.#elsewhere(options, known, problems, call))];
    const withNeighbors = options.wantNeighbours
      ? await this.#attachNeighbors(all, bgpConfig, sessions.values, problems, call)
      : all;
    return {
      state: {
        project: projectBody,
        bgpConfig,
        devices: withNeighbors,
        reservations: reservations.values,
        bgpSessions: sessions.values,
        complete: problems.length === 0,
      },
      problems,
    };
  }

  /** Devices Nodes name that are not `known`, each looked up once (unless found gone already). */
  async #elsewhere(
    options: MetalNeeds,
    known: ReadonlySet<string>,
    problems: Problem[],
    call: CallOptions,
  ): Promise<Device[]> {
    const missing = [...new Set(options.referencedDevices)].filter(
      (id) => !known.has(id) && !this.#absent.has(id),
    );
    const found = await Promise.all(missing.map((id) => this.#lookUp(id, problems, call)));
    return found.filter((d): d is Device => d !== undefined);
  }

  /** A device a Node names but the project's list lacks: gone (404), elsewhere, or unknown. */
  async #lookUp(id: DeviceId, problems: Problem[], call: CallOptions): Promise<Device | undefined> {
    try {
      const device = await this.#client.getDevice(id, call);
      if (device === undefined) this.#absent.add(id);
      return device;
    } catch (error) {
      problems.push({
        subject: `device ${id}`,
        message: `not read: ${error instanceof Error ? error.message : String(error)}`,
      });
      return undefined;
    }
  }

  async #attachNeighbors(
    devices: readonly Device[],
    config: BgpConfig,
    sessions: readonly BgpSession[],
    problems: Problem[],
    call: CallOptions,
  ): Promise<Device[]> {
    const withSession = new Set(
      sessions.filter((s) => s.addressFamily === 'ipv4').map((s) => s.deviceId),
    );
    for (const id of this.#neighbors.keys()) {
      if (!withSession.has(id)) this.#neighbors.delete(id);
    }
    return Promise.all(
      devices.map(async (device): Promise<Device> => {
        if (!withSession.has(device.id)) return device;
        const fingerprint = neighborFingerprint(device, config);
        const cached = this.#neighbors.get(device.id);
        if (cached?.fingerprint === fingerprint)
          return { ...device, bgpNeighbors: cached.neighbors };
        try {
          const listed = await this.#client.getBgpNeighbors(device.id, call);
          problems.push(...listed.problems);
          if (listed.problems.length > 0) return device;
          this.#neighbors.set(device.id, { fingerprint, neighbors: listed.values });
          return { ...device, bgpNeighbors: listed.values };
        } catch (error) {
          problems.push({
            subject: `device ${device.id}`,
            message: `BGP neighbours not read: ${error instanceof Error ? error.message : String(error)}`,
          });
          return device;
        }
      }),
    );
  }
}
