import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TokenBucket } from './rate-limit.ts';

describe('TokenBucket', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('lets a burst through at once, then qps per second', async () => {
    const bucket = new TokenBucket(2, 3);
    const done: number[] = [];
    for (let i = 0; i < 7; i++) void bucket.take().then(() => done.push(Date.now()));
    await vi.advanceTimersByTimeAsync(2000);
    expect(done).toEqual([0, 0, 0, 500, 1000, 1500, 2000]);
  });

  it('does not limit with a qps of 0', async () => {
    const bucket = new TokenBucket(0, 1);
    const done: number[] = [];
    for (let i = 0; i < 5; i++) void bucket.take().then(() => done.push(Date.now()));
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toEqual([0, 0, 0, 0, 0]);
  });
});
