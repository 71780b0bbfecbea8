import { describe, expect, it } from 'vitest';
import { matchesLabels, parseLabelSelector, type LabelSelector } from './label-selector.ts';

function selector(text: string): LabelSelector {
  const parsed = parseLabelSelector(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

describe('label selectors', () => {
  it.each([
    ['', { a: '1' }, true],
    ['a=1', { a: '1' }, true],
    ['a==1', { a: '1' }, true],
    ['a=1', { a: '2' }, false],
    ['a!=1', {}, true],
    ['a!=1', { a: '1' }, false],
    ['a in (1, 2)', { a: '2' }, true],
    ['a notin (1,2)', { a: '3' }, true],
    ['a notin (1,2)', { a: '1' }, false],
    ['a', { a: '' }, true],
    ['!a', { a: '' }, false],
    ['!a', {}, true],
    ['example.com/role=bgp,tier in (edge)', { 'example.com/role': 'bgp', tier: 'edge' }, true],
    ['example.com/role=bgp,tier in (edge)', { 'example.com/role': 'bgp', tier: 'core' }, false],
  ])('%j matches %j: %s', (text, labels, expected) => {
    expect(matchesLabels(selector(text), labels)).toBe(expected);
  });

  it.each([
    ['a=b,', /empty term/],
    ['a in b', /not a valid label key/],
    ['a=b c', /not a valid label key/],
    ['-a=b', /not a valid label key/],
    ['a=b$', /not a valid label value/],
  ])('rejects %j', (text, message) => {
    const parsed = parseLabelSelector(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(message);
  });
});
