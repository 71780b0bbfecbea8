import { describe, expect, it } from 'vitest';
import { settings } from '../../test/support/builders.ts';
import { resolveLocation } from './location.ts';

const never = (): Promise<never> => Promise.reject(new Error('should not be asked'));

describe('resolveLocation', () => {
  it('takes the configured metro or facility without asking the metadata service', async () => {
    expect(await resolveLocation(settings({ metro: 'sv' }), never)).toEqual({
      metro: 'sv',
      from: 'configuration',
    });
    const facilityOnly = settings({ facility: 'da11' });
    delete (facilityOnly as { metro?: string }).metro;
    expect(await resolveLocation(facilityOnly, never)).toEqual({
      facility: 'da11',
      from: 'configuration',
    });
  });

  it('falls back to the metadata of the host', async () => {
    const none = settings();
    delete (none as { metro?: string }).metro;
    expect(
      await resolveLocation(none, () => Promise.resolve({ metro: 'ny', facility: 'ny5' })),
    ).toEqual({ metro: 'ny', facility: 'ny5', from: 'metadata' });
  });

  it('fails at start-up, saying what to set, when neither tells', async () => {
    const none = settings();
    delete (none as { metro?: string }).metro;
    await expect(
      resolveLocation(none, () =>
        Promise.reject(new Error('the metadata service at x answered 404')),
      ),
    ).rejects.toThrow(
      'neither metro nor facility is configured, and the metadata service at x answered 404: set METAL_METRO_NAME (metro) or METAL_FACILITY_NAME (facility)',
    );
    await expect(resolveLocation(none, () => Promise.resolve({}))).rejects.toThrow(/names neither/);
  });
});
