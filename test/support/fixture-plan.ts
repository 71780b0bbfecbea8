import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { resolveConfig } from '../../engine/cli/config/resolve.ts';
import { readSecretFile } from '../../engine/cli/config/secret-file.ts';
import { planFixture } from '../../engine/cli/plan-fixture.ts';
import { renderPlan } from '../../engine/render/formats.ts';
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

/** The fixtures whose plans are kept as pull-request comments and graphs too. */
export const reviewFixtures = [
  'converged',
  'lb-churn',
  'metallb-crds-fresh',
  'control-plane-unhealthy',
] as const;

const goldenFiles = {
  text: 'plan.golden.txt',
  json: 'plan.golden.json',
  markdown: 'plan.golden.md',
  dot: 'plan.golden.dot',
} as const;

export type GoldenFormat = keyof typeof goldenFiles;

/** The golden forms a fixture has: text and JSON for each, markdown and dot for a few. */
export function goldenFormats(name: string): GoldenFormat[] {
  return (reviewFixtures as readonly string[]).includes(name)
    ? ['text', 'json', 'markdown', 'dot']
    : ['text', 'json'];
}

export function goldenPath(name: string, format: GoldenFormat): string {
  return join(fixturesDir, name, goldenFiles[format]);
}

/** The plan as a golden file holds it in `format`. */
export function renderGolden(plan: Plan, format: GoldenFormat): string {
  return renderPlan(plan, format, new Date(plan.header.observedAt));
}
