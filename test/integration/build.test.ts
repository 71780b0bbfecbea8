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

// What the image runs (see Dockerfile): the bundled dist/ and package.json, no node_modules.
describe('the build, as the image runs it', () => {
  it('bundles the CCM with its dependencies, starts through the launcher without node_modules and serves /healthz', async () => {
    dir = await mkdtemp(join(tmpdir(), 'metal-ccm-build-'));
    await run('npx', ['rolldown', '-c', 'rolldown.config.ts', '-d', join(dir, 'dist')]);
    await copyFile('package.json', join(dir, 'package.json'));
    // The image's launcher, at the path upstream's manifests run (./cloud-provider-equinix-metal).
    const launcher = join(dir, 'cloud-provider-equinix-metal');
    await copyFile(join('deploy', 'image', 'cloud-provider-equinix-metal'), launcher);
    expect(await readdir(dir)).not.toContain('node_modules');
    const licences = await readFile(join(dir, 'dist', 'THIRD-PARTY-LICENSES.txt'), 'utf8');
    for (const bundled of ['pino@', 'yargs@', 'zod@'])
      expect(licences).toMatch(new RegExp(`^${bundled}\\S+ \\(MIT\\)$`, 'm'));
    // The Kubernetes client and the probes use Node's own HTTP client.
    expect(licences).not.toContain('undici@');
    // ASCII only: V8 keeps a source with one other character at two bytes a character.
    for (const file of ['cli.js', 'vendor.js'])
      expect((await readFile(join(dir, 'dist', file))).every((byte) => byte < 0x80)).toBe(true);

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
      // A line's caller is a line of the bundle, not the bundle's file for every line.
      expect(daemon.output()).toMatch(/ cli\.js:\d+\] "caches synced"/);
    } finally {
      await daemon.kill();
      await emulator.close();
    }
  });
});
