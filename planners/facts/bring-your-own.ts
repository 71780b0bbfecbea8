import type { V1Service } from '@kubernetes/client-node';
import { events } from '../../model/marks/events.ts';
import type { Reservation } from '../../model/metal.ts';
import type { Decision } from './service-claims.ts';
import { statusAddresses, type Place } from './service-addresses.ts';
import { byAge, describeService, isMirror } from './services.ts';

/** A Service that names a bring-your-own reservation's address. */
export interface Contender {
  readonly service: V1Service;
  readonly place: Place;
  readonly reservation: Reservation;
}

const shows = (s: V1Service, address: string): boolean => statusAddresses(s).includes(address);

/**
 * Who of several Services naming one bring-your-own address gets it: the one that has it already,
 * else the oldest (creationTimestamp, then namespace/name). While a Service that does not contend
 * (being deleted, retyped) still shows the address, nobody gets it: it is given on the loop after
 * that Service lets it go.
 */
function decideAddress(
  address: string,
  contenders: readonly Contender[],
  services: readonly V1Service[],
): Map<V1Service, Decision> {
  const named = new Set(contenders.map((c) => c.service));
  const blocker = services.find((s) => !named.has(s) && !isMirror(s) && shows(s, address));
  const ranked = [...contenders].sort(
    (a, b) =>
      Number(shows(b.service, address)) - Number(shows(a.service, address)) ||
      byAge(a.service, b.service),
  );
  const [winner] = ranked;
  const decisions = new Map<V1Service, Decision>();
  if (winner === undefined) return decisions;
  for (const c of ranked) {
    const said = `${c.place} ${address}`;
    if (blocker !== undefined)
      decisions.set(c.service, {
        kind: 'refused',
        event: events.ElasticIPInUse,
        message: `${said} is still shown by ${describeService(blocker)} (in status.loadBalancer.ingress); it is given on the loop after that Service lets it go`,
      });
    else if (c === winner) decisions.set(c.service, { kind: 'chosen', reservation: c.reservation });
    else
      decisions.set(c.service, {
        kind: 'refused',
        event: events.ElasticIPInUse,
        message: `${said} is named by ${describeService(winner.service)} too, which has it (the older Service gets it); nothing done until that Service lets it go`,
      });
  }
  return decisions;
}

/** The decision for every Service that names a bring-your-own address. */
export function decideBringYourOwn(
  contenders: readonly Contender[],
  services: readonly V1Service[],
): Map<V1Service, Decision> {
  const byAddress = new Map<string, Contender[]>();
  for (const c of contenders) {
    const address = c.reservation.address ?? '';
    byAddress.set(address, [...(byAddress.get(address) ?? []), c]);
  }
  return new Map(
    [...byAddress].flatMap(([address, named]) => [...decideAddress(address, named, services)]),
  );
}
