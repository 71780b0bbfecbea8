import type { Device, Reservation } from '../../model/metal.ts';
import type { MetalWriteAnswer } from '../../model/metal-writes.ts';
import type { MetalObservation } from '../../model/observation.ts';

/** The Metal project as one observation saw it (where the cluster lives comes separately). */
export type MetalProjectState = MetalObservation['state'];

/** An address of a /32 reservation (the only kind whose assigned address is certain). */
const singleAddress = (r: Reservation): string | undefined =>
  r.cidr === 32 ? r.address : undefined;

/** The devices with `address` (an Elastic IP, not a device's own) taken off `deviceId`. */
function withoutAddress(devices: readonly Device[], deviceId: string, address: string): Device[] {
  return devices.map((d) =>
    d.id !== deviceId
      ? d
      : { ...d, addresses: d.addresses.filter((a) => a.management || a.address !== address) },
  );
}

/** A reservation released: with it go its assignments, off their devices. */
function released(state: MetalProjectState, r: Reservation): MetalProjectState | undefined {
  const address = singleAddress(r);
  if (r.assignments.length > 0 && address === undefined) return undefined;
  let devices = [...state.devices];
  for (const a of r.assignments)
    if (a.deviceId !== undefined && address !== undefined)
      devices = withoutAddress(devices, a.deviceId, address);
  return { ...state, devices, reservations: state.reservations.filter((x) => x !== r) };
}

/** `DELETE /ips/{id}`: a reservation released, or an assignment undone; gone already is no change. */
function deleted(state: MetalProjectState, id: string): MetalProjectState | undefined {
  const reservation = state.reservations.find((r) => r.id === id);
  if (reservation !== undefined) return released(state, reservation);
  const holder = state.reservations.find((r) => r.assignments.some((a) => a.id === id));
  if (holder === undefined) return state;
  const address = singleAddress(holder);
  if (address === undefined) return undefined;
  const assignment = holder.assignments.find((a) => a.id === id);
  const reservations = state.reservations.map((r) =>
    r !== holder ? r : { ...r, assignments: r.assignments.filter((a) => a.id !== id) },
  );
  const deviceId = assignment?.deviceId;
  const devices =
    deviceId === undefined ? state.devices : withoutAddress(state.devices, deviceId, address);
  return { ...state, reservations, devices };
}

/** `POST /devices/{id}/ips`: the assignment on its reservation, the address on its device. */
function assigned(
  state: MetalProjectState,
  answer: Extract<MetalWriteAnswer, { kind: 'assigned' }>,
): MetalProjectState | undefined {
  const { address } = answer;
  const block = address.parentBlock;
  const holder = state.reservations.find((r) =>
    block === undefined
      ? r.address === address.address
      : r.address === block.network && r.cidr === block.cidr,
  );
  if (holder === undefined || !state.devices.some((d) => d.id === answer.deviceId))
    return undefined;
  return {
    ...state,
    reservations: state.reservations.map((r) =>
      r !== holder ? r : { ...r, assignments: [...r.assignments, answer.assignment] },
    ),
    devices: state.devices.map((d) =>
      d.id !== answer.deviceId ? d : { ...d, addresses: [...d.addresses, address] },
    ),
  };
}

/**
 * The project after one of the CCM's own writes, from what the write answered (write-through):
 * what a fresh list would show, without listing. Undefined when the answer does not say for
 * certain; then the project is listed again.
 */
export function fold(
  state: MetalProjectState,
  answer: MetalWriteAnswer,
): MetalProjectState | undefined {
  switch (answer.kind) {
    case 'reservation-created':
      return state.reservations.some((r) => r.id === answer.reservation.id)
        ? undefined
        : { ...state, reservations: [...state.reservations, answer.reservation] };
    case 'session-created':
      return state.bgpSessions.some((s) => s.id === answer.session.id)
        ? undefined
        : { ...state, bgpSessions: [...state.bgpSessions, answer.session] };
    case 'assigned':
      return assigned(state, answer);
    case 'deleted':
      return deleted(state, answer.id);
    case 'unfolded':
      return undefined;
  }
}
