/**
 * Comparators for sorting names and addresses, in the order of ICU's root collation: what
 * `localeCompare` and `Intl.Collator('en')` give. Printable ASCII and white space (every
 * Kubernetes name, address and action key) is compared here; a string with anything else goes to
 * an `Intl.Collator` made at first need. A collator pulls ICU's collation tables into memory:
 * 2–3 MB of an idle daemon's resident set, for strings that never need them.
 */

/** Printable ASCII and white space in the root collation's primary order (capitals share it). */
const primaryOrder = `\t\n\v\f\r _-,;:!?.'"()[]{}@*/\\&#%\`^+<=>|~$0123456789abcdefghijklmnopqrstuvwxyz`;
/** A character's primary weight by its code; 0 for the other codes below 128 (controls). */
const primary = new Uint8Array(128);
for (let w = 0; w < primaryOrder.length; w++) {
  const code = primaryOrder.charCodeAt(w);
  primary[code] = w + 1;
  if (code >= 97 && code <= 122) primary[code - 32] = w + 1; // the capital letter
}

const isDigit = (code: number): boolean => code >= 48 && code <= 57;
const isUpper = (code: number): boolean => code >= 65 && code <= 90;

/** ICU compares a run of digits as one number only up to this many digits. */
const longestNumber = 254;

/** Only the characters whose collation this module knows: printable ASCII and white space. */
const known = /^[\t-\r -~]*$/;

/** The end of the run of digits starting at `i`. */
function digitsEnd(s: string, i: number): number {
  let end = i;
  while (end < s.length && isDigit(s.charCodeAt(end))) end++;
  return end;
}

/** The digits of a run without its leading zeros ("007" → "7", "000" → ""). */
function significant(s: string, start: number, end: number): string {
  let i = start;
  while (i < end && s.charCodeAt(i) === 48) i++;
  return s.slice(i, end);
}

/** Two numbers as digits without leading zeros: the longer is larger, then digit by digit. */
function compareNumbers(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Printable ASCII and white space in root collation order: primary weights first (case aside;
 * with `numeric`, a run of digits weighs as its number), then the first difference of case (small
 * letter first). Undefined when a run of digits is longer than ICU compares as one number.
 */
function compareAscii(a: string, b: string, numeric: boolean): number | undefined {
  // Equal characters weigh the same; a number is read from its first digit on.
  let i = 0;
  while (i < a.length && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (numeric) while (i > 0 && isDigit(a.charCodeAt(i - 1))) i--;
  let j = i;
  let caseDifference = 0;
  while (i < a.length && j < b.length) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(j);
    if (numeric && isDigit(x) && isDigit(y)) {
      const aEnd = digitsEnd(a, i);
      const bEnd = digitsEnd(b, j);
      if (aEnd - i > longestNumber || bEnd - j > longestNumber) return undefined;
      const order = compareNumbers(significant(a, i, aEnd), significant(b, j, bEnd));
      if (order !== 0) return order;
      i = aEnd;
      j = bEnd;
      continue;
    }
    const px = primary[x] ?? 0;
    const py = primary[y] ?? 0;
    if (px !== py) return px < py ? -1 : 1;
    if (caseDifference === 0 && x !== y) caseDifference = isUpper(x) ? 1 : -1;
    i++;
    j++;
  }
  if (i < a.length) return 1;
  if (j < b.length) return -1;
  return caseDifference;
}

/** The ASCII path when both strings allow it, else a collator made once, at first need. */
function collation(options: Intl.CollatorOptions): (a: string, b: string) => number {
  let collator: Intl.Collator | undefined;
  const numeric = options.numeric === true;
  return (a, b) => {
    const ascii = known.test(a) && known.test(b) ? compareAscii(a, b, numeric) : undefined;
    if (ascii !== undefined) return ascii;
    collator ??= new Intl.Collator('en', options);
    return collator.compare(a, b);
  };
}

/** Names in the order `localeCompare` gives them. */
export const byText = collation({});

/** Addresses and numbers by their numeric parts: 10.0.0.9 before 10.0.0.10. */
export const byAddress = collation({ numeric: true });
