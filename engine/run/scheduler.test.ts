import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LoopScheduler, type LoopEnd, type Trigger } from './scheduler.ts';

/** A scheduler whose loops take `loopMs` each and end as `ends` says, recording their triggers. */
function scheduler(options: { loopMs?: number; ends?: (n: number) => LoopEnd } = {}) {
  const started: Trigger[] = [];
  const errors: unknown[] = [];
  const working: boolean[] = [];
  const waited: [Trigger, number][] = [];
  const s = new LoopScheduler({
    resyncMs: 30_000,
    working: (busy) => working.push(busy),
    started: (trigger, ms) => waited.push([trigger, ms]),
    run: async (trigger) => {
      started.push(trigger);
      await new Promise((resolve) => setTimeout(resolve, options.loopMs ?? 0));
      return options.ends?.(started.length) ?? {};
    },
    onError: (error) => errors.push(error),
  });
  return { s, started, errors, working, waited };
}

describe('the loop scheduler', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('starts a loop at once when idle, taking in the requests of the same turn', async () => {
    const { s, started } = scheduler({ loopMs: 50 });
    s.request('change');
    s.request('probe');
    s.request('change');
    expect(started).toEqual([]); // not within the caller: after this turn's events
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toEqual(['change']);
    await vi.advanceTimersByTimeAsync(1000);
    expect(started).toEqual(['change']);
    expect(s.loopsCompleted).toBe(1);
  });

  it('says when loops start running back to back and when none is due at once', async () => {
    const { s, started, working } = scheduler({
      loopMs: 10,
      ends: (n) => (n < 3 ? { next: { trigger: 'applier', delayMs: 0 } } : {}),
    });
    s.request('change');
    await vi.advanceTimersByTimeAsync(0);
    expect(working).toEqual([true]);
    await vi.advanceTimersByTimeAsync(25); // the second loop: still working
    expect(started).toEqual(['change', 'applier', 'applier']);
    expect(working).toEqual([true]);
    await vi.advanceTimersByTimeAsync(10);
    expect(working).toEqual([true, false]);
    s.request('retry', 500); // due later: idle until then
    await vi.advanceTimersByTimeAsync(100);
    expect(working).toEqual([true, false]);
    await vi.advanceTimersByTimeAsync(450);
    expect(working).toEqual([true, false, true, false]);
  });

  it('tells how long each loop waited once due: a change that comes while a loop runs waits for it', async () => {
    const { s, waited } = scheduler({ loopMs: 50 });
    s.request('change');
    await vi.advanceTimersByTimeAsync(20);
    s.request('change'); // 30 ms before the loop under way ends
    s.request('retry', 10); // due later than that change: the same loop takes it in
    await vi.advanceTimersByTimeAsync(40);
    s.request('retry', 200);
    await vi.advanceTimersByTimeAsync(300);
    expect(waited.map(([trigger]) => trigger)).toEqual(['change', 'change', 'retry']);
    const [first, second, retry] = waited.map(([, ms]) => ms);
    expect(first).toBeLessThanOrEqual(1);
    expect(second).toBeGreaterThanOrEqual(30);
    expect(second).toBeLessThanOrEqual(32);
    expect(retry).toBeLessThanOrEqual(1);
  });

  it('is idle once stopped, even with a loop due at once', async () => {
    vi.useRealTimers();
    let stopped: Promise<void> | undefined;
    const { s, working } = scheduler({
      // Stops after the loop has ended and the next is armed, before it starts.
      ends: () => {
        setImmediate(() => {
          stopped = s.stop();
        });
        return { next: { trigger: 'applier', delayMs: 0 } };
      },
    });
    s.request('change');
    await new Promise((resolve) => setTimeout(resolve, 20));
    await stopped;
    expect(working).toEqual([true, false]);
  });

  it('waits no fixed time for the first request of a quiet period', async () => {
    const { s, started } = scheduler();
    s.request('change');
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(5000);
    s.request('change');
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toEqual(['change', 'change']);
  });

  it('brings a loop forward for a sooner request, never back', async () => {
    const { s, started } = scheduler();
    s.request('retry', 1000);
    s.request('applier', 0);
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toEqual(['applier']);
    await vi.advanceTimersByTimeAsync(2000);
    expect(started).toEqual(['applier']); // the later request was taken in by the sooner loop
    s.request('retry', 100);
    s.request('retry', 5000);
    await vi.advanceTimersByTimeAsync(99);
    expect(started).toEqual(['applier']);
    await vi.advanceTimersByTimeAsync(1);
    expect(started).toEqual(['applier', 'retry']);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(started).toEqual(['applier', 'retry']);
  });

  it('runs one loop at a time; a burst asked for during a loop costs one loop right after it', async () => {
    const { s, started } = scheduler({ loopMs: 500 });
    s.request('change');
    await vi.advanceTimersByTimeAsync(10);
    s.request('probe');
    for (let i = 0; i < 20; i++) {
      s.request('change');
      await vi.advanceTimersByTimeAsync(10);
    }
    expect(started).toEqual(['change']);
    await vi.advanceTimersByTimeAsync(300);
    expect(started).toEqual(['change', 'probe']);
    await vi.advanceTimersByTimeAsync(2000);
    expect(started).toEqual(['change', 'probe']);
  });

  it('keeps a delay a loop asks for even when nothing else waits', async () => {
    const { s, started } = scheduler({
      loopMs: 100,
      ends: (n) => (n === 1 ? { next: { trigger: 'retry', delayMs: 3000 } } : {}),
    });
    s.request('change');
    await vi.advanceTimersByTimeAsync(3050);
    expect(started).toEqual(['change']);
    await vi.advanceTimersByTimeAsync(100);
    expect(started).toEqual(['change', 'retry']);
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
