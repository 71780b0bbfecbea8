import { randomUUID } from 'node:crypto';
import { ok, type Answer } from '../answers.ts';
import type { EmulatorWorld, Json } from '../world.ts';

const defaults = { metro: ['da', 'ny', 'sv'], facility: ['da11', 'ny5', 'sv15'] } as const;

/** The metros (or facilities) the API knows: a few defaults and every one the project uses. */
export function knownCodes(world: EmulatorWorld, key: 'metro' | 'facility'): string[] {
  const seen = [...world.devices.values(), ...world.reservations.values()]
    .map((o) => (o[key] as Json | undefined)?.['code'])
    .filter((c): c is string => typeof c === 'string')
    .map((c) => c.toLowerCase());
  return [...new Set([...defaults[key], ...seen])].sort();
}

/** Whether the API knows a metro (or facility): a default, or one a device or reservation has. */
export function isKnownCode(
  world: EmulatorWorld,
  key: 'metro' | 'facility',
  code: string,
): boolean {
  const wanted = code.toLowerCase();
  const has = (o: Json): boolean =>
    String((o[key] as Json | undefined)?.['code']).toLowerCase() === wanted;
  return (
    (defaults[key] as readonly string[]).includes(wanted) ||
    [...world.devices.values()].some(has) ||
    [...world.reservations.values()].some(has)
  );
}

export function metroOf(code: string): Json {
  return { id: randomUUID(), code, name: code.toUpperCase(), country: 'US' };
}

export function facilityOf(code: string): Json {
  return { id: randomUUID(), code, name: code, features: [], ip_ranges: [] };
}

/** findMetros */
export function findMetros(world: EmulatorWorld): Answer {
  return ok({ metros: knownCodes(world, 'metro').map(metroOf) });
}

/** findFacilities, and findFacilitiesByProject (the same list). */
export function findFacilities(world: EmulatorWorld): Answer {
  return ok({ facilities: knownCodes(world, 'facility').map(facilityOf) });
}
