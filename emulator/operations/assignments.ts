import { randomUUID } from 'node:crypto';
import { notFound, ok, unprocessable, type Answer } from '../answers.ts';
import { contains, isIpv4 } from '../addresses.ts';
import { block } from '../address-pool.ts';
import { api, href, hrefId, type EmulatorWorld, type Json } from '../world.ts';

/** The assignment with this id and the reservation it belongs to. */
export function assignmentById(
  world: EmulatorWorld,
  id: string,
): { reservation: Json; assignment: Json } | undefined {
  for (const reservation of world.reservations.values()) {
    const assignment = ((reservation['assignments'] ?? []) as Json[]).find((a) => a['id'] === id);
    if (assignment !== undefined) return { reservation, assignment };
  }
  return undefined;
}

/** Takes an assignment off the device it was on. */
export function unassign(world: EmulatorWorld, assignment: Json): void {
  const device = world.devices.get(hrefId(assignment['assigned_to']));
  if (device !== undefined) {
    device['ip_addresses'] = ((device['ip_addresses'] ?? []) as Json[]).filter(
      (a) => a['id'] !== assignment['id'],
    );
  }
}

/** The created, assignable IPv4 reservation holding `address`, or why there is none. */
function assignableReservation(world: EmulatorWorld, address: string): Json | string {
  const reservation = [...world.reservations.values()].find(
    (r) =>
      typeof r['network'] === 'string' &&
      r['address_family'] === 4 &&
      contains(r['network'], Number(r['cidr']), address),
  );
  if (reservation === undefined)
    return `Address ${address} is not in a reservation of this project`;
  if (reservation['management'] === true)
    return `Address ${address} is a management address of a device`;
  if (reservation['state'] !== 'created')
    return `Reservation ${String(reservation['id'])} is ${String(reservation['state'])}`;
  const assignments = (reservation['assignments'] ?? []) as Json[];
  if (assignments.some((a) => a['address'] === address))
    return `Address ${address} is already assigned`;
  return reservation;
}

function newAssignment(reservation: Json, device: Json, address: string, now: string): Json {
  const id = randomUUID();
  return {
    id,
    href: `${api}/ips/${id}`,
    address,
    address_family: 4,
    public: true,
    management: false,
    manageable: true,
    enabled: true,
    global_ip: reservation['type'] === 'global_ipv4',
    ...block(address, 32),
    assigned_to: href(`/devices/${String(device['id'])}`),
    parent_block: {
      network: reservation['network'],
      netmask: reservation['netmask'],
      cidr: reservation['cidr'],
      href: reservation['href'],
    },
    created_at: now,
    ...(reservation['metro'] === undefined ? {} : { metro: reservation['metro'] }),
  };
}

/** createIPAssignment: an address (or `address/32`) of a created reservation onto a device. */
export function createIPAssignment(world: EmulatorWorld, deviceId: string, body: Json): Answer {
  const device = world.devices.get(deviceId.toLowerCase());
  if (device === undefined) return notFound();
  const raw = body['address'];
  if (typeof raw !== 'string') return unprocessable('address is required');
  const [address = '', cidr = '32', ...rest] = raw.split('/');
  if (!isIpv4(address) || cidr !== '32' || rest.length > 0)
    return unprocessable(`address ${raw} is not an IPv4 address (or one with /32)`);
  const reservation = assignableReservation(world, address);
  if (typeof reservation === 'string') return unprocessable(reservation);
  const assignment = newAssignment(reservation, device, address, world.time());
  reservation['assignments'] = [...((reservation['assignments'] ?? []) as Json[]), assignment];
  device['ip_addresses'] = [...((device['ip_addresses'] ?? []) as Json[]), assignment];
  return ok(assignment, 201);
}
