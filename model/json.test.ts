import { describe, expect, it } from 'vitest';
import { sameJson } from './json.ts';
import { Sensitive } from './sensitive.ts';

describe('sameJson', () => {
  it('compares structure, ignoring key order and keys that hold undefined', () => {
    expect(sameJson({ a: 1, b: [{ c: 'x' }] }, { b: [{ c: 'x' }], a: 1 })).toBe(true);
    expect(sameJson({ a: 1, gone: undefined }, { a: 1 })).toBe(true);
    expect(sameJson([1, 2], [1, 2])).toBe(true);
  });

  it('tells values, lengths, kinds and missing keys apart', () => {
    expect(sameJson({ a: 1 }, { a: 2 })).toBe(false);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
    expect(sameJson([1], [1, 1])).toBe(false);
    expect(sameJson({}, [])).toBe(false);
    expect(sameJson({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameJson(null, {})).toBe(false);
    expect(sameJson(undefined, [])).toBe(false);
    expect(sameJson('1', 1)).toBe(false);
  });

  it('compares secrets by their value and other instances only by identity', () => {
    expect(sameJson({ p: new Sensitive('a') }, { p: new Sensitive('a') })).toBe(true);
    expect(sameJson({ p: new Sensitive('a') }, { p: new Sensitive('b') })).toBe(false);
    expect(sameJson(new Date(0), new Date(1))).toBe(false);
    expect(sameJson({ p: new Sensitive('a') }, { p: 'a' })).toBe(false);
  });
});
