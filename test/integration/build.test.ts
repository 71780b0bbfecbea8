import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
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
  it('compiles, installs production dependencies only, starts through the launcher and serves /healthz', async () => {
    dir = await mkdtemp(join(tmpdir(), 'metal-ccm-build-'));
    await run('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', join(dir, 'dist')]);
    for (const file of ['package.json', 'package-lock.json']) await copyFile(file, join(dir, file));
    // The image's launcher, at the path upstream's manifests run (./cloud-provider-equinix-metal).
    const launcher = join(dir, 'cloud-provider-equinix-metal');
    await copyFile(join('deploy', 'image', 'cloud-provider-equinix-metal'), launcher);
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
    // Its first line is the distroless base's Node.js; here the same file runs under ours.
    expect((await readFile(launcher, 'utf8')).split('\n')[0]).toBe('#!/nodejs/bin/node');
    expect((await run(process.execPath, [launcher, '--version'])).stdout).toMatch(
      /^equinix-metal-ccm v/,
    );
    const daemon = await spawnDaemon({
      kubeconfig: kube().ccmKubeconfig,
      entry: launcher,
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
