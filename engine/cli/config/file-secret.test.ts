import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorsOf, project, resolve } from '../../../test/support/config-sources.ts';
import { mountSecret as mount } from '../../../test/support/mounted-secret.ts';
import { FileSecret } from './file-secret.ts';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'metal-key-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const mountSecret = (generation: number, fields: Record<string, string>) => {
  mount(dir, generation, fields);
};

const env = () => ({ METAL_API_KEY_FILE: join(dir, 'apiKey'), METAL_PROJECT_ID: project });

describe('a secret read from a file', () => {
  it('is used as the file says at each use: a Secret swapped in place gives the new key', () => {
    mountSecret(1, { apiKey: 'key-one-4f1c' });
    const { settings, origins } = resolve({ env: env() });
    expect(settings.apiKey).toBeInstanceOf(FileSecret);
    expect(settings.apiKey.reveal()).toBe('key-one-4f1c');
    expect(origins.apiKey).toBe(
      `file ${join(dir, 'apiKey')} (environment variable METAL_API_KEY_FILE)`,
    );
    mountSecret(2, { apiKey: 'key-two-8e2d\n' });
    expect(settings.apiKey.reveal()).toBe('key-two-8e2d');
    expect(settings.apiKey.source()).toMatch(
      new RegExp(
        `^file ${join(dir, 'apiKey')} \\(environment variable METAL_API_KEY_FILE\\), in use since \\d{4}-`,
      ),
    );
    // Neither the settings serialised nor the description of the key's source show the key.
    expect(JSON.stringify(settings)).not.toContain('key-two');
    expect(settings.apiKey.source()).not.toContain('key-two');
  });

  it('keeps the last good value when the file goes or holds no key, and says so without content', () => {
    mountSecret(1, { apiKey: 'key-one-4f1c' });
    const { settings } = resolve({ env: env() });
    mountSecret(2, { apiKey: '' });
    expect(settings.apiKey.reveal()).toBe('key-one-4f1c');
    expect(settings.apiKey.source()).toContain('the last read failed');
    rmSync(join(dir, '..data'));
    expect(settings.apiKey.reveal()).toBe('key-one-4f1c');
    expect(settings.apiKey.source()).toContain('cannot be read (ENOENT)');
  });

  it('refuses a file that cannot be read, a bad BGP password in one, and both forms at once', () => {
    mountSecret(1, { bgpPass: 'short-Secret-Value-9' });
    expect(errorsOf({ env: env() })).toEqual([
      `apiKey (from apiKeyFile, environment variable METAL_API_KEY_FILE): expected a non-empty API token (${join(dir, 'apiKey')} cannot be read (ENOENT))`,
    ]);
    const bgp = errorsOf({
      env: { ...env(), METAL_API_KEY: 'k', METAL_BGP_PASS_FILE: join(dir, 'bgpPass') },
    });
    expect(bgp.join('\n')).toContain(
      'apiKey is set by environment variable METAL_API_KEY and apiKeyFile by environment variable METAL_API_KEY_FILE: set one of them',
    );
    expect(bgp.join('\n')).toContain(
      `bgpPass (from bgpPassFile, environment variable METAL_BGP_PASS_FILE)`,
    );
    expect(bgp.join('\n')).not.toContain('short-Secret');
  });
});
