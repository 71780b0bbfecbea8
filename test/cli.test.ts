import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli } from '../engine/cli/cli.ts';
import { Capture } from './support/fixture-plan.ts';

async function cli(argv: string[], env: Record<string, string> = {}) {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runCli(argv, { stdout, stderr, env });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('metal-ccm plan', () => {
  it('prints the plan of a fixture and exits 0', async () => {
    const out = await cli(['plan', '--fixture', 'fixtures/example']);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('Plan: 0 to create, 8 to change, 0 to delete.');
  });

  it('exits 2 with --detailed-exitcode when changes are pending, 0 when converged', async () => {
    expect((await cli(['plan', '--fixture', 'fixtures/example', '--detailed-exitcode'])).code).toBe(
      2,
    );
    const converged = await cli(['plan', '--fixture', 'fixtures/converged', '--detailed-exitcode']);
    expect(converged.code).toBe(0);
    expect(converged.stdout).toContain('No changes. Cluster is converged.');
  });

  it('prints JSON with --output json', async () => {
    const out = await cli(['plan', '--fixture', 'fixtures/converged', '--output', 'json']);
    expect(JSON.parse(out.stdout)).toMatchObject({ format_version: '1.0', actions: [] });
  });

  it('accepts the upstream command line', async () => {
    const out = await cli([
      'plan',
      '--fixture',
      'fixtures/converged',
      '--cloud-provider=equinixmetal',
      '--leader-elect=false',
      '--authentication-skip-lookup=true',
      '--v=2',
    ]);
    expect(out.code).toBe(0);
  });

  it('exits 1 with a clear message for another cloud provider', async () => {
    const out = await cli(['plan', '--fixture', 'fixtures/converged', '--cloud-provider=aws']);
    expect(out.code).toBe(1);
    expect(out.stderr).toBe('metal-ccm: --cloud-provider: expected "equinixmetal", got "aws"\n');
  });

  it('exits 1 naming the option, its source and what is expected for a bad value', async () => {
    const out = await cli(['plan', '--fixture', 'fixtures/converged', '--local-asn', 'x'], {
      METAL_LOAD_BALANCER: 'nginx://',
    });
    expect(out.code).toBe(1);
    expect(out.stderr).toContain(
      'metal-ccm: config: loadBalancer (from environment variable METAL_LOAD_BALANCER): expected',
    );
    expect(out.stderr).toContain(
      'metal-ccm: config: localASN (from flag --local-asn): expected an ASN',
    );
  });

  it('lets the environment and flags override the fixture config', async () => {
    const out = await cli(['plan', '--fixture', 'fixtures/converged', '--metro', 'sv'], {
      METAL_FACILITY_NAME: 'sv15',
    });
    expect(out.stdout).toContain('  metro     sv, facility sv15');
  });

  it('exits 1 for an unknown flag, a missing fixture and a missing config file', async () => {
    expect((await cli(['plan', '--fixture', 'fixtures/converged', '--colour'])).stderr).toMatch(
      /Unknown argument: colour/,
    );
    expect((await cli(['plan', '--fixture', 'fixtures/nope'])).code).toBe(1);
    const missing = await cli([
      'plan',
      '--fixture',
      'fixtures/converged',
      '--provider-config',
      '/nonexistent.json',
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      'metal-ccm: config Secret file /nonexistent.json cannot be read (ENOENT)\n',
    );
  });
});

describe('the installed entry point', () => {
  it('runs as `node engine/main.ts` and sets the exit code', async () => {
    const run = promisify(execFile);
    const ok = await run(process.execPath, [
      'engine/main.ts',
      'plan',
      '--fixture',
      'fixtures/converged',
    ]);
    expect(ok.stdout).toContain('No changes. Cluster is converged.');
    await expect(
      run(process.execPath, [
        'engine/main.ts',
        'plan',
        '--fixture',
        'fixtures/example',
        '--detailed-exitcode',
      ]),
    ).rejects.toMatchObject({ code: 2 });
    // Two Node.js processes that load the whole CLI: seconds each on a busy 2-core machine.
  }, 30_000);
});
