import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { resolveConfig } from '../../engine/cli/config/resolve.ts';
import { readSecretFile } from '../../engine/cli/config/secret-file.ts';
import { planFixture, renderPlan } from '../../engine/cli/plan-fixture.ts';
import { createLogger } from '../../engine/cli/logging.ts';
import type { Plan } from '../../model/plan.ts';

export const fixturesDir = join(import.meta.dirname, '..', '..', 'fixtures');

export function fixtureNames(): string[] {
  return readdirSync(fixturesDir)
    .filter((name) => statSync(join(fixturesDir, name)).isDirectory())
    .sort();
}

/** A writable that keeps what was written, for asserting on output and logs. */
export class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** The plan of a fixture as `metal-ccm plan --fixture` computes it, with no environment. */
export async function fixturePlan(name: string, log = new Capture()): Promise<Plan> {
  return (await fixtureRun(name, log)).plan;
}

/** The snapshot and plan of a fixture. */
export function fixtureRun(name: string, log = new Capture()): ReturnType<typeof planFixture> {
  return planFixture({
    fixtureDir: join('fixtures', name),
    logger: createLogger(5, log),
    configure: async (path) => {
      const secret = await readSecretFile(path);
      if (!secret.ok) throw new Error(secret.error);
      const resolved = resolveConfig({ flags: {}, env: {}, secret });
      if (!resolved.ok) throw new Error(resolved.errors.join('\n'));
      return resolved.value;
    },
  });
}

export function goldenPaths(name: string): { text: string; json: string } {
  return {
    text: join(fixturesDir, name, 'plan.golden.txt'),
    json: join(fixturesDir, name, 'plan.golden.json'),
  };
}

export function renderBoth(plan: Plan): { text: string; json: string } {
  const now = new Date(plan.header.observedAt);
  return { text: renderPlan(plan, 'text', now), json: renderPlan(plan, 'json', now) };
}
