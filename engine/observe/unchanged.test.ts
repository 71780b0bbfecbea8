import { describe, expect, it } from 'vitest';
import { Sensitive } from '../../model/sensitive.ts';
import { keepUnchanged } from './unchanged.ts';

const item = (id: string, address: string, extra: object = {}) => ({
  id,
  address,
  tags: ['a', 'b'],
  assignments: [{ deviceId: 'd1' }],
  ...extra,
});

/** The same data as fresh objects, as a new list of the project gives it. */
const relisted = <T>(value: T): T => structuredClone(value);

describe('keepUnchanged: a re-list keeps what did not change as the same objects', () => {
  it('keeps everything when nothing changed, secrets compared by value', () => {
    const kept = {
      reservations: [item('r1', '1.1.1.1'), item('r2', '1.1.1.2')],
      complete: true,
      password: new Sensitive('s3cret'),
    };
    const listed = { ...relisted({ ...kept, password: 'x' }), password: new Sensitive('s3cret') };
    expect(keepUnchanged(kept, listed)).toBe(kept);
  });

  it('takes what changed, keeps the rest, and the result is what was listed', () => {
    const kept = {
      reservations: [item('r1', '1.1.1.1'), item('r2', '1.1.1.2'), item('r3', '1.1.1.3')],
    };
    const listed = relisted(kept);
    listed.reservations[1] = item('r2', '1.1.1.9');
    const result = keepUnchanged(kept, listed);
    expect(result).toEqual(listed);
    expect(result).not.toBe(kept);
    expect(result.reservations[0]).toBe(kept.reservations[0]);
    expect(result.reservations[2]).toBe(kept.reservations[2]);
    // Inside the changed one, its unchanged parts are kept too.
    expect(result.reservations[1]?.tags).toBe(kept.reservations[1]?.tags);
    expect(result.reservations[1]?.address).toBe('1.1.1.9');
  });

  it('matches a list’s items by id when the order changes, and sees one come and one go', () => {
    const kept = [item('r1', '1.1.1.1'), item('r2', '1.1.1.2'), item('r3', '1.1.1.3')];
    const listed = [relisted(kept[2]), item('r4', '1.1.1.4'), relisted(kept[0])];
    const result = keepUnchanged(kept, listed);
    expect(result).toEqual(listed);
    expect(result[0]).toBe(kept[2]);
    expect(result[2]).toBe(kept[0]);
  });

  it('never keeps a secret that changed, a key that appeared, or one that went', () => {
    const kept = { password: new Sensitive('old'), a: 1, b: { c: 2 } };
    const rotated = keepUnchanged(kept, { ...kept, password: new Sensitive('new') });
    expect(rotated.password.reveal()).toBe('new');
    expect(rotated.b).toBe(kept.b);
    expect(keepUnchanged<object>(kept, { ...kept, d: 3 })).toEqual({ ...kept, d: 3 });
    const { a: _, ...without } = kept;
    expect(keepUnchanged<object>(kept, without)).toEqual(without);
    expect(keepUnchanged<unknown[]>([1, 2, 3], [1, 2])).toEqual([1, 2]);
  });

  it('gives back what was listed, whatever changed (random edits)', () => {
    let seed = 7;
    const pick = (n: number): number => (seed = (seed * 48271) % 2147483647) % n;
    for (let round = 0; round < 200; round++) {
      const kept = Array.from({ length: 6 }, (_, i) =>
        item(`r${String(i)}`, `10.0.0.${String(i)}`),
      );
      const listed = relisted(kept).filter(() => pick(5) !== 0);
      for (const one of listed) if (pick(3) === 0) one.address = `10.9.9.${String(pick(9))}`;
      if (pick(2) === 0) listed.reverse();
      if (pick(3) === 0) listed.push(item(`n${String(round)}`, '10.1.1.1', { extra: [pick(4)] }));
      const result = keepUnchanged(kept, listed);
      expect(result).toEqual(listed);
      for (const one of result) {
        const before = kept.find((k) => k.id === one.id);
        if (before !== undefined && before.address === one.address) expect(one).toBe(before);
      }
    }
  });
});
