import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LoopScheduler, type LoopEnd, type Trigger } from './scheduler.ts';

/** A scheduler whose loops take `loopMs` each and end as `ends` says, recording their triggers. */
function scheduler(options: { loopMs?: number; ends?: (n: number) => LoopEnd } = {}) {
  const started: Trigger[] = [];
  const errors: unknown[] = [];
  const s = new LoopScheduler({
    debounceMs: 100,
    resyncMs: 30_000,
    run: async (trigger) => {
      started.push(trigger);
      await new Promise((resolve) => setTimeout(resolve, options.loopMs ?? 0));
      return options.ends?.(started.length) ?? {};
    },
    onError: (error) => errors.push(error),
  });
  return { s, started, errors };
}

describe('the loop scheduler', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('makes one loop of a burst within the debounce window, with the first trigger', async () => {
    const { s, started } = scheduler();
    s.request('change');
    await vi.advanceTimersByTimeAsync(50);
    s.request('probe');
    s.request('change');
    await vi.advanceTimersByTimeAsync(99);
    expect(started).toEqual(['change']);
    await vi.advanceTimersByTimeAsync(1000);
    expect(started).toEqual(['change']);
    expect(s.loopsCompleted).toBe(1);
  });

  it('brings a loop forward for a sooner request, never back', async () => {
    const { s, started } = scheduler();
    s.request('change', 1000);
    s.request('applier', 0);
    await vi.advanceTimersByTimeAsync(1);
    expect(started).toEqual(['change']);
    s.request('retry', 5000);
    s.request('change', 100);
    await vi.advanceTimersByTimeAsync(101);
    expect(started).toEqual(['change', 'retry']);
  });

  it('runs one loop at a time; what is asked for during a loop runs right after it', async () => {
    const { s, started } = scheduler({ loopMs: 500 });
    s.request('change', 0);
    await vi.advanceTimersByTimeAsync(10);
    s.request('probe', 0);
    s.request('change', 0);
    await vi.advanceTimersByTimeAsync(400);
    expect(started).toEqual(['change']);
    await vi.advanceTimersByTimeAsync(100);
    expect(started).toEqual(['change', 'probe']);
    await vi.advanceTimersByTimeAsync(2000);
    expect(started).toEqual(['change', 'probe']);
  });

  it('runs the loop a loop asks for, after the delay it names', async () => {
    const { s, started } = scheduler({
      ends: (n) => (n === 1 ? { next: { trigger: 'retry', delayMs: 3000 } } : {}),
    });
    s.request('change', 0);
    await vi.advanceTimersByTimeAsync(2950);
    expect(started).toEqual(['change']);
    await vi.advanceTimersByTimeAsync(100);
    expect(started).toEqual(['change', 'retry']);
  });

  it('resyncs every period, with at most 10 % jitter', async () => {
    const { s, started } = scheduler();
    s.start();
    await vi.advanceTimersByTimeAsync(200);
    expect(started).toEqual(['start']);
    await vi.advanceTimersByTimeAsync(29_800);
    expect(started).toEqual(['start']);
    await vi.advanceTimersByTimeAsync(3_200);
    expect(started).toEqual(['start', 'resync']);
    await s.stop();
  });

  it('tells a loop that threw, and tries again a second later', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const s = new LoopScheduler({
      debounceMs: 0,
      resyncMs: 30_000,
      run: () => (++calls === 1 ? Promise.reject(new Error('bug')) : Promise.resolve({})),
      onError: (error) => errors.push(error),
    });
    s.request('change');
    await vi.advanceTimersByTimeAsync(999);
    expect(calls).toBe(1);
    expect(errors).toEqual([new Error('bug')]);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toBe(2);
  });

  it('starts nothing once stopped, and waits for the loop under way', async () => {
    const { s, started } = scheduler({ loopMs: 500 });
    s.request('change', 0);
    await vi.advanceTimersByTimeAsync(1);
    let stopped = false;
    void s.stop().then(() => (stopped = true));
    s.request('change', 0);
    await vi.advanceTimersByTimeAsync(400);
    expect(stopped).toBe(false);
    await vi.advanceTimersByTimeAsync(200);
    expect(stopped).toBe(true);
    expect(started).toEqual(['change']);
  });
});
