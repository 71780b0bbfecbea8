import { notFound, type Answer } from './answers.ts';
import * as bgp from './operations/bgp.ts';
import * as devices from './operations/devices.ts';
import * as locations from './operations/locations.ts';
import type { PagingFault } from './operations/paging.ts';
import * as ips from './operations/reservations.ts';
import { createIPAssignment } from './operations/assignments.ts';
import type { EmulatorWorld, Json } from './world.ts';

export interface RouteContext {
  readonly world: EmulatorWorld;
  readonly id: string;
  readonly query: URLSearchParams;
  readonly body: Json;
  /** How a list pages when a fault bends it. */
  readonly paging?: PagingFault | undefined;
}

export interface Route {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** The OpenAPI path template, for conformance checks. */
  readonly template: string;
  readonly operation: string;
  readonly handle: (context: RouteContext) => Answer;
}

type Handle = Route['handle'];
const route =
  (method: Route['method']) =>
  (template: string, operation: string, handle: Handle): Route => ({
    method,
    template,
    operation,
    handle,
  });
const get = route('GET');
const post = route('POST');
const page = (c: RouteContext) => ({ query: c.query, fault: c.paging });

/** Every endpoint the CCM uses (ENDPOINTS.md §1–11), by the Metal API's operationId. */
export const routes: readonly Route[] = [
  get('/projects/{id}', 'findProjectById', (c) =>
    c.world.isProject(c.id) ? { status: 200, body: c.world.project } : notFound(),
  ),
  get('/projects/{id}/bgp-config', 'findBgpConfigByProject', (c) =>
    bgp.findBgpConfigByProject(c.world, c.id),
  ),
  post('/projects/{id}/bgp-configs', 'requestBgpConfig', (c) =>
    bgp.requestBgpConfig(c.world, c.id, c.body),
  ),
  get('/projects/{id}/bgp/sessions', 'findProjectBgpSessions', (c) =>
    bgp.findProjectBgpSessions(c.world, c.id),
  ),
  get('/projects/{id}/devices', 'findProjectDevices', (c) =>
    devices.findProjectDevices(c.world, c.id, page(c)),
  ),
  get('/devices/{id}', 'findDeviceById', (c) => devices.findDeviceById(c.world, c.id)),
  get('/devices/{id}/bgp/neighbors', 'getBgpNeighborData', (c) =>
    bgp.getBgpNeighborData(c.world, c.id),
  ),
  post('/devices/{id}/bgp/sessions', 'createBgpSession', (c) =>
    bgp.createBgpSession(c.world, c.id, c.body),
  ),
  get('/projects/{id}/ips', 'findIPReservations', (c) =>
    ips.findIPReservations(c.world, c.id, page(c)),
  ),
  post('/projects/{id}/ips', 'requestIPReservation', (c) =>
    ips.requestIPReservation(c.world, c.id, c.body),
  ),
  get('/ips/{id}', 'findIPAddressById', (c) => ips.findIPAddressById(c.world, c.id, c.query)),
  route('DELETE')('/ips/{id}', 'deleteIPAddress', (c) => ips.deleteIPAddress(c.world, c.id)),
  get('/devices/{id}/ips', 'findIPAssignments', (c) => devices.findIPAssignments(c.world, c.id)),
  post('/devices/{id}/ips', 'createIPAssignment', (c) => createIPAssignment(c.world, c.id, c.body)),
  get('/locations/metros', 'findMetros', (c) => locations.findMetros(c.world)),
  get('/facilities', 'findFacilities', (c) => locations.findFacilities(c.world)),
  get('/projects/{id}/facilities', 'findFacilitiesByProject', (c) =>
    c.world.isProject(c.id) ? locations.findFacilities(c.world) : notFound(),
  ),
];

const patterns = routes.map((r) => ({
  route: r,
  pattern: new RegExp(`^${r.template.replace('{id}', '([^/]+)')}$`),
}));

/** The route of a method and path (relative to /metal/v1), with its `{id}`. */
export function match(method: string, path: string): { route: Route; id: string } | undefined {
  for (const { route: r, pattern } of patterns) {
    const m = pattern.exec(path);
    if (m !== null && r.method === method) return { route: r, id: decodeURIComponent(m[1] ?? '') };
  }
  return undefined;
}
