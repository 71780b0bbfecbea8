import { transformed, z } from '../zod.ts';
import type { AssignmentId, DeviceId, ProjectId, ReservationId } from '../../model/ids.ts';
import type {
  BgpConfig,
  BgpNeighbor,
  BgpSession,
  BgpSessionState,
  Device,
  DeviceAddress,
  DeviceState,
  Project,
  Reservation,
} from '../../model/metal.ts';
import type { Problem } from '../../model/snapshot.ts';
import { Sensitive } from '../../model/sensitive.ts';

/**
 * The Metal API bodies the CCM reads, parsed at the edge into domain types. Only the fields the CCM
 * uses are checked; everything else the API sends is ignored. A body that does not fit is an error
 * naming the field, not a crash inside a planner.
 */

const uuid = z.string().check(
  z.regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, {
    message: 'expected a UUID',
  }),
);
const lowerUuid = transformed(uuid, (s) => s.toLowerCase());
/** API links: the id is the last path segment (`/metal/v1/devices/<id>` or `/devices/<id>`). */
const href = transformed(z.object({ href: z.string() }), (h) => h.href.split('/').pop() ?? '');

const location = transformed(z.nullish(z.object({ code: z.string() })), (l) =>
  l?.code.toLowerCase(),
);

const int = () => z.number().check(z.int());

const deviceStates = [
  'queued',
  'provisioning',
  'deprovisioning',
  'reinstalling',
  'active',
  'inactive',
  'failed',
  'powering_on',
  'powering_off',
  'deleted',
] as const satisfies readonly DeviceState[];

const addressFamily = z.union([z.literal(4), z.literal(6)], { message: 'expected 4 or 6' });

/** An address of a device (an `IPAssignment`), as a device lists it. */
export const deviceAddressSchema = transformed(
  z.object({
    address: z.string(),
    address_family: addressFamily,
    public: z.boolean(),
    management: z._default(z.boolean(), false),
    cidr: int(),
    parent_block: z.nullish(z.object({ network: z.string(), cidr: int() })),
  }),
  (a): DeviceAddress => ({
    address: a.address,
    family: a.address_family,
    public: a.public,
    management: a.management,
    cidr: a.cidr,
    ...(a.parent_block == null
      ? {}
      : { parentBlock: { network: a.parent_block.network, cidr: a.parent_block.cidr } }),
  }),
);

export const deviceSchema = transformed(
  z.object({
    id: lowerUuid,
    hostname: z.string(),
    state: z.enum(deviceStates),
    plan: z.nullish(z.object({ slug: z.string() })),
    metro: location,
    facility: location,
    ip_addresses: z._default(z.array(deviceAddressSchema), []),
    tags: z._default(z.array(z.string()), []),
  }),
  (d): Device => ({
    id: d.id as DeviceId,
    hostname: d.hostname,
    state: d.state,
    ...(d.plan == null ? {} : { planSlug: d.plan.slug }),
    ...(d.metro === undefined ? {} : { metro: d.metro }),
    ...(d.facility === undefined ? {} : { facility: d.facility }),
    addresses: d.ip_addresses,
    tags: d.tags,
  }),
);

export const bgpNeighborSchema = transformed(
  z.object({
    address_family: addressFamily,
    customer_as: int(),
    customer_ip: z.string(),
    peer_as: int(),
    peer_ips: z.array(z.string()),
    multihop: z._default(z.boolean(), false),
    md5_enabled: z._default(z.boolean(), false),
    md5_password: z.nullish(z.string()),
  }),
  (n): BgpNeighbor => ({
    addressFamily: n.address_family,
    customerAs: n.customer_as,
    customerIp: n.customer_ip,
    peerAs: n.peer_as,
    peerIps: n.peer_ips,
    multihop: n.multihop,
    ...(n.md5_enabled && n.md5_password != null && n.md5_password !== ''
      ? { md5Password: new Sensitive(n.md5_password) }
      : {}),
  }),
);

export const projectSchema = transformed(
  z.object({ id: lowerUuid, name: z._default(z.string(), '') }),
  (p): Project => ({ id: p.id as ProjectId, name: p.name }),
);

/** `GET /projects/{id}/bgp-config`: 200 with no `id` means BGP was never requested. */
export const bgpConfigSchema = transformed(
  z.object({
    id: z.nullish(uuid),
    status: z.nullish(z.enum(['requested', 'enabled', 'disabled'])),
    asn: z.nullish(int()),
    deployment_type: z.nullish(z.enum(['local', 'global'])),
    md5: z.nullish(z.string()),
  }),
  (c): BgpConfig => ({
    ...(c.id == null ? {} : { id: c.id }),
    ...(c.status == null ? {} : { status: c.status }),
    ...(c.asn == null ? {} : { asn: c.asn }),
    ...(c.deployment_type == null ? {} : { deploymentType: c.deployment_type }),
    ...(c.md5 == null || c.md5 === '' ? {} : { md5: new Sensitive(c.md5) }),
  }),
);

/** Metal's per-switch session states ("up,down"); a value it does not document reads as unknown. */
const sessionStates = (status: string): BgpSessionState[] =>
  status
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '')
    .map((s) => (s === 'up' || s === 'down' ? s : 'unknown'));

export const bgpSessionSchema = transformed(
  z.object({
    id: uuid,
    address_family: z.enum(['ipv4', 'ipv6']),
    device: href,
    status: z.nullish(z.string()),
  }),
  (s): BgpSession => ({
    id: s.id,
    deviceId: s.device.toLowerCase() as DeviceId,
    addressFamily: s.address_family,
    ...(s.status == null ? {} : { states: sessionStates(s.status) }),
  }),
);

/** An assignment of a reservation; href-only when not expanded, so the id may come from it. */
export const assignment = transformed(
  z
    .object({
      id: z.optional(uuid),
      href: z.optional(z.string()),
      assigned_to: z.nullish(href),
    })
    .check(
      z.refine((a) => a.id !== undefined || a.href !== undefined, {
        message: 'expected an id or href',
      }),
    ),
  (a) => ({
    id: (a.id ?? a.href?.split('/').pop() ?? '').toLowerCase() as AssignmentId,
    ...(a.assigned_to == null ? {} : { deviceId: a.assigned_to.toLowerCase() as DeviceId }),
  }),
);

export const reservationSchema = transformed(
  z.object({
    id: lowerUuid,
    type: z.string(),
    address: z.nullish(z.string()),
    cidr: z.nullish(int()),
    state: z.nullish(z.enum(['created', 'pending', 'denied'])),
    tags: z._default(z.array(z.string()), []),
    assignments: z._default(z.array(assignment), []),
    metro: location,
    facility: location,
  }),
  (r): Reservation => ({
    id: r.id as ReservationId,
    type: r.type,
    ...(r.address == null ? {} : { address: r.address }),
    ...(r.cidr == null ? {} : { cidr: r.cidr }),
    // packngo's states; a reservation without one that has an address is usable.
    state: r.state ?? (r.address == null ? 'pending' : 'created'),
    tags: r.tags,
    assignments: r.assignments,
    ...(r.metro === undefined ? {} : { metro: r.metro }),
    ...(r.facility === undefined ? {} : { facility: r.facility }),
  }),
);

/** `devices[2].ip_addresses[0].address_family: expected 4 or 6` */
export function describeIssues(error: z.core.$ZodError, prefix: string): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => {
      const path = issue.path.reduce<string>(
        (out, seg) => (typeof seg === 'number' ? `${out}[${seg}]` : `${out}.${String(seg)}`),
        prefix,
      );
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}

export type ParseOne<T> = { ok: true; value: T } | { ok: false; error: string };

export function parseOne<T>(schema: z.ZodMiniType<T>, raw: unknown, field: string): ParseOne<T> {
  const result = schema.safeParse(raw);
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, error: describeIssues(result.error, field) };
}

/**
 * Parses a list item by item: a bad item is reported as a problem (naming its id when it has one)
 * and skipped, and the rest go on.
 */
export function parseEach<T>(
  schema: z.ZodMiniType<T>,
  items: readonly unknown[],
  what: string,
  /** Items not the CCM's business, passed over unread (they keep their index in messages). */
  ignore: (raw: unknown) => boolean = () => false,
): { values: T[]; problems: Problem[]; skippedIds: string[] } {
  const values: T[] = [];
  const problems: Problem[] = [];
  /** Ids of items that were there but did not parse: present, though unusable. */
  const skippedIds: string[] = [];
  items.forEach((raw, i) => {
    if (ignore(raw)) return;
    const result = parseOne(schema, raw, `${what}[${i}]`);
    if (result.ok) {
      values.push(result.value);
    } else {
      const id = (raw as { id?: unknown } | null)?.id;
      if (typeof id === 'string') skippedIds.push(id.toLowerCase());
      problems.push({
        subject: typeof id === 'string' ? `${what} ${id}` : `${what}[${i}]`,
        message: `skipped: ${result.error}`,
      });
    }
  });
  return { values, problems, skippedIds };
}

/**
 * A device's own block in the project's reservation list (`management: true`: its public IPv4,
 * private IPv4 and IPv6 networks, ENDPOINTS.md §7). It comes and goes with the device, so the CCM
 * never takes, tags, releases or pools it: it is passed over at the edge, before any planner.
 */
export const isManagementBlock = (raw: unknown): boolean =>
  typeof raw === 'object' && raw !== null && (raw as { management?: unknown }).management === true;

/** A reservation list as the CCM sees it: the requested reservations, parsed one by one. */
export function parseReservations(items: readonly unknown[]) {
  return parseEach(reservationSchema, items, 'reservation', isManagementBlock);
}
