/** Identifiers of the two worlds, branded so one cannot be passed where another is meant. */
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

/** An Equinix Metal device UUID. */
export type DeviceId = Brand<string, 'DeviceId'>;
/** An Equinix Metal project UUID. */
export type ProjectId = Brand<string, 'ProjectId'>;
/** An Equinix Metal IP reservation UUID. */
export type ReservationId = Brand<string, 'ReservationId'>;
/** An Equinix Metal IP assignment UUID (an address of a reservation bound to a device). */
export type AssignmentId = Brand<string, 'AssignmentId'>;
/** The cluster's identity: the UID of the immutable kube-system namespace. */
export type ClusterId = Brand<string, 'ClusterId'>;
/** A stable identifier of a plan action: a hash of its target and operation. */
export type ActionId = Brand<string, 'ActionId'>;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}
