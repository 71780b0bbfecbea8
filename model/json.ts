import { Sensitive } from './sensitive.ts';

/** An object as JSON makes it (not an array, a Date, a Sensitive or another class's instance). */
export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;

/**
 * Structural equality of JSON values, key order ignored (a key holding undefined counts as
 * absent); a secret compares by its value, any other class's instance only by identity. Allocates
 * nothing: planners ask it of every object on every loop, and a re-list of the Metal project of
 * every object it holds.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Sensitive) return b instanceof Sensitive && a.reveal() === b.reveal();
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  let keys = 0;
  for (const key in a) {
    if (a[key] === undefined) continue;
    if (!sameJson(a[key], b[key])) return false;
    keys++;
  }
  for (const key in b) if (b[key] !== undefined) keys--;
  return keys === 0;
}
