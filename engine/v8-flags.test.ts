import { beforeEach, describe, expect, it, vi } from 'vitest';

const set = vi.fn<(flags: string) => void>();
vi.mock('node:v8', () => ({ setFlagsFromString: set }));
const { favourSmallHeap, favouringSpeed, fitCompilersTo, optimizingFrom } =
  await import('./v8-flags.ts');

/** A cluster of `size` nodes and Services, a fifth of them nodes. */
const cluster = (size: number) => ({
  nodes: Array.from({ length: Math.floor(size / 5) }),
  services: Array.from({ length: size - Math.floor(size / 5) }),
});

describe('the small heap, given up while the CCM works', () => {
  beforeEach(() => set.mockClear());

  it('leaves the flags of a process that did not choose it (the tests) alone', async () => {
    await favouringSpeed(() => Promise.resolve());
    fitCompilersTo(cluster(optimizingFrom * 10));
    expect(set).not.toHaveBeenCalled();
  });

  it('favours speed from the first work until the last one ends, even when one fails', async () => {
    favourSmallHeap();
    expect(set.mock.calls).toEqual([['--optimize-for-size --no-maglev --no-turbofan']]);
    set.mockClear();
    let endLoop = (): void => undefined;
    const loop = favouringSpeed(() => new Promise<void>((resolve) => (endLoop = resolve)));
    const move = favouringSpeed(() => Promise.reject(new Error('the move failed')));
    await expect(move).rejects.toThrow('the move failed');
    expect(set.mock.calls).toEqual([['--no-optimize-for-size']]);
    endLoop();
    await loop;
    expect(set.mock.calls).toEqual([['--no-optimize-for-size'], ['--optimize-for-size']]);
  });

  it('turns the optimizing compilers on once the cluster is large, and only once', () => {
    favourSmallHeap();
    set.mockClear();
    fitCompilersTo(cluster(optimizingFrom - 1));
    expect(set).not.toHaveBeenCalled();
    fitCompilersTo(cluster(optimizingFrom));
    fitCompilersTo(cluster(optimizingFrom * 2));
    fitCompilersTo(cluster(1));
    expect(set.mock.calls).toEqual([['--maglev --turbofan']]);
  });
});
