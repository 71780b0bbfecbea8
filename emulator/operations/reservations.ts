import { randomUUID } from 'node:crypto';
import { noContent, notFound, ok, unprocessable, type Answer } from '../answers.ts';
import { block } from '../address-pool.ts';
import { api, href, type EmulatorWorld, type Json } from '../world.ts';
import { assignmentById, unassign } from './assignments.ts';
import { facilityOf, isKnownCode, metroOf } from './locations.ts';
import { paged, type PageOptions } from './paging.ts';

const includes = (query: URLSearchParams, what: string): boolean =>
  query
    .getAll('include')
    .flatMap((v) => v.split(','))
    .includes(what);

/** The `types` filter, repeated (`types=a&types=b`) or comma-separated (`types=a,b`). */
const typesOf = (query: URLSearchParams): string[] =>
  query.getAll('types').flatMap((v) => v.split(','));

/** Assignments are href-only unless `include=assignments` (ENDPOINTS.md §0). */
function present(reservation: Json, includeAssignments: boolean): Json {
  if (includeAssignments) return reservation;
  const assignments = (reservation['assignments'] ?? []) as Json[];
  return { ...reservation, assignments: assignments.map((a) => ({ href: a['href'] })) };
}

/** findIPReservations: requested blocks and the devices' own, 250 per page by default. */
export function findIPReservations(world: EmulatorWorld, id: string, page: PageOptions): Answer {
  if (!world.isProject(id)) return notFound();
  const types = typesOf(page.query);
  const shown = [...world.reservations.values()]
    .filter((r) => types.length === 0 || types.includes(String(r['type'])))
    .map((r) => present(r, includes(page.query, 'assignments')));
  const list = { path: `/projects/${id}/ips`, key: 'ip_addresses', defaultPerPage: 250 };
  return paged(list, page, shown);
}

const isStringList = (v: unknown): boolean =>
  Array.isArray(v) && v.every((item) => typeof item === 'string');
const isObject = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What is wrong with a request's optional fields: their types, and an unknown location. */
function optionalFieldProblems(world: EmulatorWorld, body: Json): string[] {
  const { tags, customdata, details, comments, metro, facility } = body;
  return [
    ...(tags === undefined || isStringList(tags) ? [] : ['tags must be a list of strings']),
    ...(customdata === undefined || isObject(customdata) ? [] : ['customdata must be an object']),
    ...(details === undefined || typeof details === 'string' ? [] : ['details must be a string']),
    ...(comments === undefined || typeof comments === 'string'
      ? []
      : ['comments must be a string']),
    ...(typeof metro === 'string' && !isKnownCode(world, 'metro', metro)
      ? [`Metro ${metro} is not a valid metro`]
      : []),
    ...(typeof facility === 'string' && !isKnownCode(world, 'facility', facility)
      ? [`Facility ${facility} is not a valid facility`]
      : []),
  ];
}

function requestProblems(world: EmulatorWorld, body: Json): string[] {
  const { type, quantity, metro, facility } = body;
  return [
    ...(type === 'public_ipv4' || type === 'global_ipv4'
      ? []
      : [`type ${String(type)} is not supported here`]),
    ...(typeof quantity === 'number' && quantity >= 1 && Number.isInteger(Math.log2(quantity))
      ? []
      : ['quantity must be a power of two']),
    ...(type === 'public_ipv4' && typeof metro !== 'string' && typeof facility !== 'string'
      ? ['metro or facility is required for public_ipv4']
      : []),
    ...(type === 'global_ipv4' && (metro !== undefined || facility !== undefined)
      ? ['global_ipv4 takes no location']
      : []),
    ...optionalFieldProblems(world, body),
  ];
}

/** The new reservation as the API answers it, without its address yet. */
function newReservation(world: EmulatorWorld, body: Json): Json {
  const { type, metro, facility } = body;
  const id = randomUUID();
  return {
    id,
    href: `${api}/ips/${id}`,
    type,
    address_family: 4,
    public: true,
    management: false,
    manageable: true,
    global_ip: type === 'global_ipv4',
    tags: body['tags'] ?? [],
    customdata: body['customdata'] ?? {},
    details: body['details'] ?? '',
    assignments: [],
    project: href(`/projects/${world.projectId}`),
    created_at: world.time(),
    ...(typeof metro === 'string' ? { metro: metroOf(metro.toLowerCase()) } : {}),
    ...(typeof facility === 'string' ? { facility: facilityOf(facility.toLowerCase()) } : {}),
  };
}

/**
 * requestIPReservation: a /32 from the range at once within the quota; over it, pending until
 * approved, or 422 with `fail_on_approval_required`.
 */
export function requestIPReservation(world: EmulatorWorld, id: string, body: Json): Answer {
  if (!world.isProject(id)) return notFound();
  const problems = requestProblems(world, body);
  if (problems.length > 0) return unprocessable(...problems);
  const size = body['quantity'] as number;
  const overQuota = world.reservations.quotaUsed + size > world.quota;
  if (overQuota && body['fail_on_approval_required'] === true)
    return unprocessable('request exceeds your quota and would require approval');
  const base = newReservation(world, body);
  const address = overQuota || size !== 1 ? undefined : world.reservations.freeAddress(world.range);
  const reservation =
    address === undefined
      ? { ...base, state: 'pending' }
      : { ...base, state: 'created', ...block(address, 32), enabled: true };
  world.reservations.set(String(base['id']), reservation);
  return ok(reservation, 201);
}

/** findIPAddressById: a reservation or an assignment (one URL space holds both). */
export function findIPAddressById(
  world: EmulatorWorld,
  id: string,
  query: URLSearchParams,
): Answer {
  const key = id.toLowerCase();
  const reservation = world.reservations.get(key);
  if (reservation !== undefined) return ok(present(reservation, includes(query, 'assignments')));
  const found = assignmentById(world, key);
  return found === undefined ? notFound() : ok(found.assignment);
}

/**
 * deleteIPAddress: a reservation goes with its assignments (the sources do not say; the spec
 * declares no 422 here, so the emulator does not invent one); an assignment is unassigned.
 */
export function deleteIPAddress(world: EmulatorWorld, id: string): Answer {
  const key = id.toLowerCase();
  const reservation = world.reservations.get(key);
  if (reservation !== undefined) {
    for (const a of (reservation['assignments'] ?? []) as Json[]) unassign(world, a);
    world.reservations.delete(key);
    return noContent;
  }
  const found = assignmentById(world, key);
  if (found === undefined) return notFound();
  found.reservation['assignments'] = (found.reservation['assignments'] as Json[]).filter(
    (a) => a['id'] !== key,
  );
  unassign(world, found.assignment);
  return noContent;
}
