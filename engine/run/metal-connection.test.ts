import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/emulator.ts';
import { syntheticProject, syntheticWorld } from '../../emulator/synthetic.ts';
import { Sensitive } from '../../model/sensitive.ts';
import { Capture } from '../../test/support/fixture-plan.ts';
import { settings } from '../../test/support/builders.ts';
import type { ProjectId } from '../../model/ids.ts';
import { createLogger } from '../cli/logging.ts';
import { metalConnection } from './metal-connection.ts';
import { createMetrics } from './metrics.ts';

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function connected(env: Record<string, string>, token = 'conn-token') {
  emulator = await startEmulator({
    world: syntheticWorld({ devices: 1, reservations: 0 }),
    token: 'conn-token',
  });
  const out = new Capture();
  const connection = metalConnection({
    settings: settings({
      baseURL: emulator.url,
      apiKey: new Sensitive(token),
      projectID: syntheticProject as ProjectId,
    }),
    env,
    log: createLogger(0, out),
    metrics: createMetrics(),
  });
  return { connection, out };
}

describe('the daemon’s Metal connection', () => {
  it('logs every Metal request at info level with PACKNGO_DEBUG, as upstream’s client, never the token', async () => {
    const { connection, out } = await connected({ PACKNGO_DEBUG: '1' });
    await connection.verified();
    expect(out.text).toContain('"msg":"metal call"');
    expect(out.text).toContain('findProjectById');
    expect(out.text).not.toContain('conn-token');
  });

  it('logs no request at info level without it', async () => {
    const { connection, out } = await connected({});
    await connection.verified();
    expect(out.text).not.toContain('metal call');
  });

  it('refuses to go on when the API refuses the credentials, saying what to check; once', async () => {
    const { connection } = await connected({}, 'wrong-token');
    await expect(connection.verified()).rejects.toThrow(
      /the Metal API refused the credentials \(401\)/,
    );
    expect(emulator?.counters()['findProjectById']).toBe(1);
    await expect(connection.verified()).rejects.toThrow(/401/);
    expect(emulator?.counters()['findProjectById']).toBe(1);
  });
});
