import { describe, expect, it } from 'vitest';
import { byAddress, byText } from './order.ts';

const icu = {
  text: new Intl.Collator('en'),
  numeric: new Intl.Collator('en', { numeric: true }),
};

/** A deterministic random source (mulberry32), so a failure names a reproducible case. */
function random(seed: number): () => number {
  let t = seed;
  return () => {
    t = (t + 0x6d2b79f5) | 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

const ascii = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
const printable = `\t\n\v\f\r${ascii}`;
// Mostly what names and addresses are made of, so that long common prefixes and digit runs occur.
const alphabets = [
  'a-z0.9',
  'aAbB01-',
  '0001239.',
  'a\n0/',
  printable,
  `ab1\u00e9\u0301\u00df\u{1f600}\t\u0000\u007f`,
];

function randomString(next: () => number): string {
  const alphabet = Array.from(alphabets[Math.floor(next() * alphabets.length)] ?? '');
  const length = Math.floor(next() * 12);
  return Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
}

const sign = (n: number): number => Math.sign(n) + 0;

describe('byText and byAddress', () => {
  it('order every pair of printable ASCII and white-space characters as ICU does', () => {
    for (const a of printable)
      for (const b of printable) {
        expect([a, b, sign(byText(a, b))]).toEqual([a, b, sign(icu.text.compare(a, b))]);
        expect([a, b, sign(byAddress(a, b))]).toEqual([a, b, sign(icu.numeric.compare(a, b))]);
      }
  });

  it('order random strings as ICU does, numbers, case, ASCII or not', () => {
    const next = random(17);
    for (let n = 0; n < 50_000; n++) {
      const a = randomString(next);
      const b =
        next() < 0.3
          ? a.slice(0, Math.floor(next() * a.length)) + randomString(next)
          : randomString(next);
      expect([a, b, sign(byText(a, b))]).toEqual([a, b, sign(icu.text.compare(a, b))]);
      expect([a, b, sign(byAddress(a, b))]).toEqual([a, b, sign(icu.numeric.compare(a, b))]);
    }
  });

  it('compare names and addresses as people read them', () => {
    const names = ['web-10', 'Web-2', 'web-2', 'api', 'web_1'];
    expect([...names].sort(byText)).toEqual(['api', 'web_1', 'web-10', 'web-2', 'Web-2']);
    const addresses = ['10.0.0.10', '10.0.0.9', '10.0.0.09', '9.1.1.1'];
    expect([...addresses].sort(byAddress)).toEqual([
      '9.1.1.1',
      '10.0.0.9',
      '10.0.0.09',
      '10.0.0.10',
    ]);
  });

  it('compare numbers longer than ICU reads as one number as ICU does', () => {
    const long = '1'.repeat(300);
    for (const [a, b] of [
      [`${long}2`, `${long}1`],
      [`x${long}`, `x${long.slice(1)}9`],
    ] as const)
      expect(sign(byAddress(a, b))).toBe(sign(icu.numeric.compare(a, b)));
  });
});
