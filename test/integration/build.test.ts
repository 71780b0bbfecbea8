import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/emulator.ts';
import { syntheticProject, syntheticWorld } from '../../emulator/synthetic.ts';
import { spawnDaemon } from '../support/daemon-process.ts';
import { kube } from '../support/integration.ts';

const run = promisify(execFile);
let dir: string | undefined;

afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

// What the image runs (see Dockerfile): the compiled dist/ with production dependencies only.
describe('the build, as the image runs it', () => {
  it('compiles, installs production dependencies only, starts and serves /healthz', async () => {
    dir = await mkdtemp(join(tmpdir(), 'metal-ccm-build-'));
    await run('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', join(dir, 'dist')]);
    for (const file of ['package.json', 'package-lock.json']) await copyFile(file, join(dir, file));
    await run(
      'npm',
      ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'],
      { cwd: dir },
    );
    const installed = await readdir(join(dir, 'node_modules'));
    expect(installed).toEqual(expect.arrayContaining(['@kubernetes', 'pino', 'undici', 'yargs']));
    for (const dev of ['vitest', 'typescript', 'eslint', 'nock', 'node'])
      expect(installed).not.toContain(dev);

    const emulator = await startEmulator({
      world: syntheticWorld({ devices: 1, reservations: 0 }),
      token: 'build-token',
    });
    const daemon = await spawnDaemon({
      kubeconfig: kube().ccmKubeconfig,
      entry: join(dir, 'dist', 'engine', 'main.js'),
      baseURL: emulator.url,
      config: { apiKey: 'build-token', projectID: syntheticProject, metro: 'da' },
    });
    try {
      const health = await fetch(`${daemon.healthUrl}/healthz`);
      expect(health.status).toBe(200);
      expect(daemon.output()).not.toContain('build-token');
    } finally {
      await daemon.kill();
      await emulator.close();
    }
  });
});
