import { randomUUID } from 'node:crypto';
import { noContent, notFound, ok, unprocessable, type Answer } from '../answers.ts';
import { api, href, hrefId, type EmulatorWorld, type Json } from '../world.ts';

/** Metal's rule for a BGP MD5 password: 10–20 letters and digits, mixed case, a digit. */
function md5Problem(md5: unknown): string | undefined {
  if (md5 === undefined || md5 === null || md5 === '') return undefined;
  const valid =
    typeof md5 === 'string' &&
    /^[A-Za-z0-9]{10,20}$/.test(md5) &&
    /[a-z]/.test(md5) &&
    /[A-Z]/.test(md5) &&
    /\d/.test(md5);
  return valid
    ? undefined
    : 'md5 must be 10-20 letters and digits with lower case, upper case and a digit';
}

function bgpConfigProblems(world: EmulatorWorld, body: Json): string[] {
  const type = body['deployment_type'];
  const asn = body['asn'];
  return [
    ...(type === 'local' || type === 'global' ? [] : ['deployment_type must be local or global']),
    ...(typeof asn === 'number' && Number.isInteger(asn) && asn >= 1 && asn <= 4294967295
      ? []
      : ['asn is invalid']),
    ...[md5Problem(body['md5'])].filter((p) => p !== undefined),
    ...(world.bgpEnabled ? ['BGP is already enabled for this project'] : []),
  ];
}

/** findBgpConfigByProject: never requested is 200 with an empty structure (ENDPOINTS.md §2a). */
export function findBgpConfigByProject(world: EmulatorWorld, id: string): Answer {
  return world.isProject(id) ? ok(world.bgpConfig) : notFound();
}

/** requestBgpConfig: local BGP is enabled at once, global is only requested. */
export function requestBgpConfig(world: EmulatorWorld, id: string, body: Json): Answer {
  if (!world.isProject(id)) return notFound();
  const problems = bgpConfigProblems(world, body);
  if (problems.length > 0) return unprocessable(...problems);
  const { deployment_type: type, asn, md5 } = body;
  const configId = typeof world.bgpConfig['id'] === 'string' ? world.bgpConfig['id'] : randomUUID();
  const now = world.time();
  world.bgpConfig = {
    id: configId,
    href: `${api}/bgp-configs/${configId}`,
    asn,
    deployment_type: type,
    status: type === 'local' ? 'enabled' : 'requested',
    max_prefix: 10,
    route_object: '',
    ranges: [],
    sessions: [],
    project: href(`/projects/${world.projectId}`),
    created_at: now,
    requested_at: now,
    ...(typeof md5 === 'string' && md5 !== '' ? { md5 } : {}),
  };
  world.project = { ...world.project, bgp_config: href(`/bgp-configs/${configId}`) };
  return noContent;
}

/** findProjectBgpSessions: one unpaged list for the project. */
export function findProjectBgpSessions(world: EmulatorWorld, id: string): Answer {
  return world.isProject(id) ? ok({ bgp_sessions: world.sessions }) : notFound();
}

function sessionOf(world: EmulatorWorld, deviceId: string, family: string): Json | undefined {
  return world.sessions.find(
    (s) => hrefId(s['device']) === deviceId && s['address_family'] === family,
  );
}

function sessionProblem(world: EmulatorWorld, id: string, body: Json): string | undefined {
  const family = body['address_family'];
  if (family !== 'ipv4' && family !== 'ipv6') return 'address_family must be ipv4 or ipv6';
  const defaultRoute = body['default_route'];
  if (defaultRoute !== undefined && typeof defaultRoute !== 'boolean')
    return 'default_route must be true or false';
  if (!world.bgpEnabled) return 'BGP is not enabled for this project';
  if (sessionOf(world, id, family) !== undefined)
    return `Device ${id} already has session for ${family}`;
  return undefined;
}

/** createBgpSession: one session per device and address family, once project BGP is on. */
export function createBgpSession(world: EmulatorWorld, deviceId: string, body: Json): Answer {
  const id = deviceId.toLowerCase();
  if (!world.devices.has(id)) return notFound();
  const problem = sessionProblem(world, id, body);
  if (problem !== undefined) return unprocessable(problem);
  const sessionId = randomUUID();
  const now = world.time();
  const session = {
    id: sessionId,
    href: `${api}/bgp/sessions/${sessionId}`,
    address_family: body['address_family'],
    default_route: body['default_route'] === true,
    device: href(`/devices/${id}`),
    learned_routes: [],
    status: 'unknown',
    created_at: now,
    updated_at: now,
  };
  world.sessions.push(session);
  return ok(session, 201);
}

/** Neighbours exist once project BGP is on and the device has a session; seeded ones win. */
export function neighborsOf(world: EmulatorWorld, deviceId: string): Json[] {
  const device = world.devices.get(deviceId);
  if (device === undefined || !world.bgpEnabled || sessionOf(world, deviceId, 'ipv4') === undefined)
    return [];
  const seeded = world.seededNeighbors.get(deviceId);
  if (seeded !== undefined) return seeded;
  const md5 = typeof world.bgpConfig['md5'] === 'string' ? world.bgpConfig['md5'] : undefined;
  return [
    {
      address_family: 4,
      customer_as: world.bgpConfig['asn'],
      customer_ip: world.privateIpv4(device) ?? '',
      md5_enabled: md5 !== undefined,
      ...(md5 === undefined ? {} : { md5_password: md5 }),
      multihop: true,
      peer_as: 65530,
      peer_ips: ['169.254.255.1', '169.254.255.2'],
      // With a default route on the session, Metal sends the default route out (ENDPOINTS.md §5).
      routes_in: [],
      routes_out: defaultRouteOf(world, deviceId) ? [{ route: '0.0.0.0/0', exact: true }] : [],
    },
  ];
}

const defaultRouteOf = (world: EmulatorWorld, deviceId: string): boolean =>
  sessionOf(world, deviceId, 'ipv4')?.['default_route'] === true;

/** getBgpNeighborData */
export function getBgpNeighborData(world: EmulatorWorld, deviceId: string): Answer {
  const id = deviceId.toLowerCase();
  return world.devices.has(id) ? ok({ bgp_neighbors: neighborsOf(world, id) }) : notFound();
}
