import { createHash } from 'node:crypto';

const shortHash = (identity: string): string =>
  createHash('sha256').update(identity).digest('hex').slice(0, 8);

/**
 * A DNS-1123 label (≤ 63 characters) for an object the CCM generates: the readable `base`,
 * sanitised and cut to fit, then a short hash of `identity`, so two things whose sanitised names
 * collide (or are cut to the same prefix) still get distinct objects.
 */
export function generatedName(base: string, identity: string): string {
  const hash = shortHash(identity);
  const readable = base
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 63 - hash.length - 1)
    .replace(/-$/, '');
  return readable === '' ? `x-${hash}` : `${readable}-${hash}`;
}

/** A label value (≤ 63 characters, alphanumeric at both ends): the value itself when valid, else a generated one. */
export function labelValue(value: string): string {
  return /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(value) && value.length <= 63
    ? value
    : generatedName(value, value);
}
