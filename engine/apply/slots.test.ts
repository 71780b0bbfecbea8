import { describe, expect, it } from 'vitest';
import { Slots } from './slots.ts';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('Slots', () => {
  it('runs at most its concurrency at once, released tasks before those ready from the start', async () => {
    const slots = new Slots(2);
    const order: string[] = [];
    let running = 0;
    let most = 0;
    const task = (name: string, then?: () => void) => async () => {
      running++;
      most = Math.max(most, running);
      order.push(name);
      await tick();
      running--;
      then?.();
    };
    slots.run(
      task('a', () => {
        slots.run(task('a-next'), true);
      }),
      false,
    );
    for (const name of ['b', 'c', 'd']) slots.run(task(name), false);
    for (let i = 0; i < 10; i++) await tick();
    expect(most).toBe(2);
    expect(order).toEqual(['a', 'b', 'a-next', 'c', 'd']);
  });
});
