import { ok, notFound, type Answer, type EmulatorWorld, type Json } from './world.ts';

export interface RouteContext {
  readonly world: EmulatorWorld;
  readonly id: string;
  readonly query: URLSearchParams;
  readonly body: Json;
}

export interface Route {
  readonly method: string;
  /** The OpenAPI path template, for conformance checks. */
  readonly template: string;
  readonly operation: string;
  readonly handle: (context: RouteContext) => Answer;
}

const includes = (query: URLSearchParams, what: string): boolean =>
  query
    .getAll('include')
    .flatMap((v) => v.split(','))
    .includes(what);

/** The `types` filter, repeated (`types=a&types=b`) or comma-separated (`types=a,b`). */
const typesOf = (query: URLSearchParams): string[] =>
  query.getAll('types').flatMap((v) => v.split(','));

/**
 * A page of a list with the API's `meta` (ENDPOINTS.md §0): `per_page` above 1000 is taken as 1000,
 * `next`/`previous` are absent at the ends.
 */
export function paged(
  path: string,
  key: string,
  items: readonly unknown[],
  query: URLSearchParams,
  defaultPerPage: number,
): Answer {
  const perPage = Math.min(
    1000,
    Math.max(1, Number(query.get('per_page') ?? defaultPerPage) || defaultPerPage),
  );
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  const page = Math.min(lastPage, Math.max(1, Number(query.get('page') ?? 1) || 1));
  const link = (p: number) => ({ href: `/metal/v1${path}?page=${p}&per_page=${perPage}` });
  return ok({
    [key]: items.slice((page - 1) * perPage, page * perPage),
    meta: {
      first: link(1),
      last: link(lastPage),
      self: link(page),
      ...(page > 1 ? { previous: link(page - 1) } : {}),
      ...(page < lastPage ? { next: link(page + 1) } : {}),
      total: items.length,
      current_page: page,
      last_page: lastPage,
    },
  });
}

/** Every endpoint the CCM uses (ENDPOINTS.md §1–11), by the Metal API's operationId. */
export const routes: readonly Route[] = [
  {
    method: 'GET',
    template: '/projects/{id}',
    operation: 'findProjectById',
    handle: (c) => c.world.findProjectById(c.id),
  },
  {
    method: 'GET',
    template: '/projects/{id}/bgp-config',
    operation: 'findBgpConfigByProject',
    handle: (c) => c.world.findBgpConfigByProject(c.id),
  },
  {
    method: 'POST',
    template: '/projects/{id}/bgp-configs',
    operation: 'requestBgpConfig',
    handle: (c) => c.world.requestBgpConfig(c.id, c.body),
  },
  {
    method: 'GET',
    template: '/projects/{id}/bgp/sessions',
    operation: 'findProjectBgpSessions',
    handle: (c) => c.world.findProjectBgpSessions(c.id),
  },
  {
    method: 'GET',
    template: '/projects/{id}/devices',
    operation: 'findProjectDevices',
    handle: (c) => {
      const devices = c.world.listDevices(c.id);
      return devices === undefined
        ? notFound()
        : paged(`/projects/${c.id}/devices`, 'devices', devices, c.query, 10);
    },
  },
  {
    method: 'GET',
    template: '/devices/{id}',
    operation: 'findDeviceById',
    handle: (c) => c.world.findDeviceById(c.id),
  },
  {
    method: 'GET',
    template: '/devices/{id}/bgp/neighbors',
    operation: 'getBgpNeighborData',
    handle: (c) => c.world.getBgpNeighborData(c.id),
  },
  {
    method: 'POST',
    template: '/devices/{id}/bgp/sessions',
    operation: 'createBgpSession',
    handle: (c) => c.world.createBgpSession(c.id, c.body),
  },
  {
    method: 'GET',
    template: '/projects/{id}/ips',
    operation: 'findIPReservations',
    handle: (c) => {
      const all = c.world.listReservations(c.id);
      if (all === undefined) return notFound();
      const types = typesOf(c.query);
      const wanted =
        types.length === 0 ? all : all.filter((r) => types.includes(String(r['type'])));
      const shown = wanted.map((r) => c.world.present(r, includes(c.query, 'assignments')));
      return paged(`/projects/${c.id}/ips`, 'ip_addresses', shown, c.query, 250);
    },
  },
  {
    method: 'POST',
    template: '/projects/{id}/ips',
    operation: 'requestIPReservation',
    handle: (c) => c.world.requestIPReservation(c.id, c.body),
  },
  {
    method: 'GET',
    template: '/ips/{id}',
    operation: 'findIPAddressById',
    handle: (c) => c.world.findIPAddressById(c.id, includes(c.query, 'assignments')),
  },
  {
    method: 'DELETE',
    template: '/ips/{id}',
    operation: 'deleteIPAddress',
    handle: (c) => c.world.deleteIPAddress(c.id),
  },
  {
    method: 'GET',
    template: '/devices/{id}/ips',
    operation: 'findIPAssignments',
    handle: (c) => c.world.findIPAssignments(c.id),
  },
  {
    method: 'POST',
    template: '/devices/{id}/ips',
    operation: 'createIPAssignment',
    handle: (c) => c.world.createIPAssignment(c.id, c.body),
  },
  {
    method: 'GET',
    template: '/locations/metros',
    operation: 'findMetros',
    handle: (c) => c.world.findMetros(),
  },
  {
    method: 'GET',
    template: '/facilities',
    operation: 'findFacilities',
    handle: (c) => c.world.findFacilities(),
  },
  {
    method: 'GET',
    template: '/projects/{id}/facilities',
    operation: 'findFacilitiesByProject',
    handle: (c) =>
      c.world.listDevices(c.id) === undefined ? notFound() : c.world.findFacilities(),
  },
];

const patterns = routes.map((route) => ({
  route,
  pattern: new RegExp(`^${route.template.replace('{id}', '([^/]+)')}$`),
}));

/** The route of a method and path (relative to /metal/v1), with its `{id}`. */
export function match(method: string, path: string): { route: Route; id: string } | undefined {
  for (const { route, pattern } of patterns) {
    const m = pattern.exec(path);
    if (m !== null && route.method === method) return { route, id: decodeURIComponent(m[1] ?? '') };
  }
  return undefined;
}
