import { randomUUID } from 'node:crypto';
import { ok, type Answer } from '../answers.ts';
import type { EmulatorWorld, Json } from '../world.ts';

const defaults = { metro: ['da', 'ny', 'sv'], facility: ['da11', 'ny5', 'sv15'] } as const;

/** A device's or reservation's metro (or facility) code, lower case. */
function codeOf(o: Json, key: 'metro' | 'facility'): string | undefined {
  const code = (o[key] as Json | undefined)?.['code'];
  return typeof code === 'string' ? code.toLowerCase() : undefined;
}

/** The metros (or facilities) the API knows: a few defaults and every one the project uses. */
export function knownCodes(world: EmulatorWorld, key: 'metro' | 'facility'): string[] {
  const seen = [...world.devices.values(), ...world.reservations.values()]
    .map((o) => codeOf(o, key))
    .filter((c): c is string => c !== undefined);
  return [...new Set([...defaults[key], ...seen])].sort();
}

/** Whether the API knows a metro (or facility), without listing them all (once per request). */
export function isKnownCode(
  world: EmulatorWorld,
  key: 'metro' | 'facility',
  code: string,
): boolean {
  const wanted = code.toLowerCase();
  return (
    (defaults[key] as readonly string[]).includes(wanted) ||
    [...world.devices.values(), ...world.reservations.values()].some(
      (o) => codeOf(o, key) === wanted,
    )
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
