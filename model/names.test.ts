import { describe, expect, it } from 'vitest';
import { generatedName, labelValue } from './names.ts';

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

describe('generated names', () => {
  it('are valid DNS-1123 labels of at most 63 characters', () => {
    for (const base of ['default-web', 'My_Service.With.Dots', 'x'.repeat(200), '---', '']) {
      const name = generatedName(base, base);
      expect(name).toMatch(dns1123Label);
      expect(name.length).toBeLessThanOrEqual(63);
    }
  });

  it('differ when sanitised names collide or are cut to the same prefix', () => {
    expect(generatedName('a.b-c', 'a.b/c')).not.toBe(generatedName('a-b.c', 'a-b/c'));
    const long = 'n'.repeat(80);
    expect(generatedName(`${long}-1`, `${long}/1`)).not.toBe(
      generatedName(`${long}-2`, `${long}/2`),
    );
  });

  it('are stable from one version to the next (objects already in clusters keep their names)', () => {
    expect(generatedName('default-web', 'default/web')).toBe('default-web-82b3ade9');
  });

  it('keep a valid label value and replace an invalid one', () => {
    expect(labelValue('worker-1')).toBe('worker-1');
    expect(labelValue('x'.repeat(64))).toMatch(dns1123Label);
    expect(labelValue('x'.repeat(64)).length).toBeLessThanOrEqual(63);
  });
});
