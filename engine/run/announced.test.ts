import { describe, expect, it } from 'vitest';
import { announcedWhileRunning } from './announced.ts';

describe('announcedWhileRunning', () => {
  it('says what runs after the work has started its first steps, once', async () => {
    const seen: string[] = [];
    const work = async (): Promise<string> => {
      seen.push('started');
      await Promise.resolve();
      seen.push('first request sent');
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.push('done');
      return 'result';
    };
    const result = await announcedWhileRunning(work, () => seen.push('announced'));
    expect(result).toBe('result');
    expect(seen).toEqual(['started', 'first request sent', 'announced', 'done']);
  });

  it('says it before the end of work that ends at once, or fails', async () => {
    const seen: string[] = [];
    await announcedWhileRunning(
      () => Promise.resolve(seen.push('done')),
      () => seen.push('announced'),
    );
    expect(seen).toEqual(['done', 'announced']);
    const failing = announcedWhileRunning(
      () => Promise.reject(new Error('no')),
      () => seen.push('announced again'),
    );
    await expect(failing).rejects.toThrow('no');
    expect(seen).toEqual(['done', 'announced', 'announced again']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toHaveLength(3);
  });
});
