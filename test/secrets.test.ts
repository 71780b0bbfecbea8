import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../engine/cli/cli.ts';
import { apply } from '../engine/apply/applier.ts';
import {
  Capture,
  fixtureNames,
  fixtureRun,
  fixturesDir,
  renderGolden,
} from './support/fixture-plan.ts';
import { outputFormats } from '../engine/render/formats.ts';
import { createLogger } from '../engine/cli/logging.ts';
import { MemoryWorld } from './support/memory-world.ts';

/** Every secret of every fixture, as written and base64-encoded. */
function secretsOf(name: string): string[] {
  const config = JSON.parse(readFileSync(join(fixturesDir, name, 'config.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  return ['apiKey', 'bgpPass']
    .map((k) => config[k])
    .filter((v): v is string => typeof v === 'string' && v !== '')
    .flatMap((v) => [v, Buffer.from(v).toString('base64')]);
}

// The token and the BGP password must not reach any plan or log line, whatever the verbosity.
describe('secrets never leak', () => {
  for (const name of fixtureNames()) {
    it(`${name}: no plan, log or error line holds the token or BGP password`, async () => {
      const secrets = secretsOf(name);
      expect(secrets.length).toBeGreaterThan(0);
      const seen: string[] = [];
      for (const output of ['text', 'json']) {
        const stdout = new Capture();
        const stderr = new Capture();
        await runCli(['plan', '--fixture', join('fixtures', name), '--output', output, '--v=5'], {
          stdout,
          stderr,
          env: {},
        });
        seen.push(stdout.text, stderr.text);
      }
      const log = new Capture();
      const { plan, snapshot } = await fixtureRun(name, log);
      const applyLog = new Capture();
      const world = new MemoryWorld(snapshot.kubernetes.nodes);
      await apply(plan, world.executors, {
        concurrency: 2,
        logger: createLogger(5, applyLog),
      });
      createLogger(5, log).trace({ snapshot, settings: snapshot.settings }, 'everything');
      seen.push(log.text, applyLog.text, ...outputFormats.map((f) => renderGolden(plan, f)));
      expect(log.text).toContain('"msg":"everything"'); // the trace line was written
      for (const text of seen) for (const secret of secrets) expect(text).not.toContain(secret);
    });
  }

  it('a bad secret value is named, never shown', async () => {
    const stderr = new Capture();
    await runCli(['plan', '--fixture', 'fixtures/converged'], {
      stdout: new Capture(),
      stderr,
      env: { METAL_BGP_PASS: 'bad pass word', METAL_API_KEY: 'x' },
    });
    expect(stderr.text).toContain('bgpPass (from environment variable METAL_BGP_PASS)');
    expect(stderr.text).not.toContain('bad pass word');
  });
});
