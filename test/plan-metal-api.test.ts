import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../engine/cli/cli.ts';
import { metalWorldSchema } from '../providers/fixture/metal.ts';
import { startEmulator, type Fault } from '../emulator/emulator.ts';
import { Capture, fixtureNames, fixturesDir } from './support/fixture-plan.ts';

async function plan(argv: string[], env: Record<string, string> = {}) {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runCli(argv, { stdout, stderr, env });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** Everything but the line that says where the world was observed from. */
const withoutSource = (text: string): string => text.replace(/^ {2}observed .*$/m, '');

// `metal-ccm plan --metal api` observes Metal through the client; on the same world it must plan
// exactly what the all-fixture run plans.
describe('plan with Metal observed from the API (the emulator)', () => {
  for (const name of fixtureNames()) {
    it(`${name}: the same plan as from the fixture`, async () => {
      const dir = join(fixturesDir, name);
      const world = metalWorldSchema.parse(
        JSON.parse(await readFile(join(dir, 'metal.json'), 'utf8')),
      );
      const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as {
        apiKey: string;
      };
      const emulator = await startEmulator({ world, token: config.apiKey });
      try {
        const fromFixture = await plan(['plan', '--fixture', join('fixtures', name)]);
        const fromApi = await plan([
          'plan',
          '--fixture',
          join('fixtures', name),
          '--metal',
          'api',
          '--base-url',
          emulator.url,
        ]);
        expect(fromApi.stderr).not.toMatch(/error/i);
        expect(fromApi.code).toBe(fromFixture.code);
        expect(fromApi.stdout).toContain(`and the Metal API at ${emulator.url}`);
        expect(withoutSource(fromApi.stdout)).toBe(withoutSource(fromFixture.stdout));
        expect(emulator.violations).toEqual([]);
      } finally {
        await emulator.close();
      }
    });
  }

  /** `plan --fixture fixtures/example --metal api` against its world, served as `serve` says. */
  async function planExampleFrom(serve: { token: string; fault?: Fault }) {
    const world = metalWorldSchema.parse(
      JSON.parse(await readFile(join(fixturesDir, 'example', 'metal.json'), 'utf8')),
    );
    const emulator = await startEmulator({ world, token: serve.token });
    if (serve.fault !== undefined) emulator.inject('findIPReservations', serve.fault);
    try {
      const args = ['--fixture', 'fixtures/example', '--metal', 'api', '--base-url', emulator.url];
      return await plan(['plan', ...args]);
    } finally {
      await emulator.close();
    }
  }

  it('fails clearly when the API refuses the token', async () => {
    const out = await planExampleFrom({ token: 'another-token' });
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/refused the credentials \(401\): check the API key/);
    expect(out.stderr).not.toContain('fixture-api-token');
  });

  it('says the body is not JSON, naming the call, when something answers 200 with a page', async () => {
    const out = await planExampleFrom({
      token: 'fixture-api-token-7f3a9c',
      fault: { kind: 'not-json' },
    });
    expect(out.code).toBe(1);
    expect(out.stderr).toContain(
      'Metal API findIPReservations answered with an unexpected body: the body is not JSON (200, text/html',
    );
  });
});
