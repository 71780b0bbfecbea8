import type { MetalWriteAnswer } from '../../model/metal-writes.ts';
import type { MetalRequest } from '../../model/plan.ts';
import {
  assignment,
  bgpSessionSchema,
  deviceAddressSchema,
  parseOne,
  reservationSchema,
} from './schemas.ts';

const unfolded = (why: string): MetalWriteAnswer => ({ kind: 'unfolded', why });

/** `POST /devices/{id}/ips`: the assignment, and the address as the device lists it now. */
function assigned(data: unknown): MetalWriteAnswer {
  const link = parseOne(assignment, data, 'the assignment');
  const address = parseOne(deviceAddressSchema, data, 'the assignment');
  if (!link.ok) return unfolded(link.error);
  if (!address.ok) return unfolded(address.error);
  const { deviceId } = link.value;
  if (deviceId === undefined) return unfolded('the assignment names no device');
  return { kind: 'assigned', deviceId, assignment: link.value, address: address.value };
}

/**
 * What a Metal write's answer says the project now is, parsed at the edge (what the CCM keeps
 * between full observations). An answer that says nothing certain is `unfolded`.
 */
export function writeAnswer(request: MetalRequest, data: unknown): MetalWriteAnswer {
  switch (request.operation) {
    case 'requestIPReservation': {
      const parsed = parseOne(reservationSchema, data, 'the reservation');
      return parsed.ok
        ? { kind: 'reservation-created', reservation: parsed.value }
        : unfolded(parsed.error);
    }
    case 'createBgpSession': {
      const parsed = parseOne(bgpSessionSchema, data, 'the session');
      return parsed.ok
        ? { kind: 'session-created', session: parsed.value }
        : unfolded(parsed.error);
    }
    case 'createIPAssignment':
      return assigned(data);
    case 'deleteIPAddress':
      return { kind: 'deleted', id: (request.path.split('/').pop() ?? '').toLowerCase() };
    default:
      return unfolded(`${request.operation} answers nothing the CCM keeps`);
  }
}
