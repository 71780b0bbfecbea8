import type { Argv } from 'yargs';
import { anyDuration } from './config/parsers.ts';
import { options, type OptionSpec } from './config/options.ts';
import { UsageError } from './usage-error.ts';

const providerName = 'equinixmetal';

/** The flags every command takes (the upstream CCM's, and the configuration's by their names). */
export type GlobalArgs = {
  readonly 'cloud-provider'?: string;
  readonly 'provider-config'?: string;
  readonly kubeconfig?: string;
  readonly 'leader-elect'?: boolean;
  readonly 'authentication-skip-lookup'?: boolean;
  readonly v: string;
  readonly 'dry-run'?: boolean;
};

/** Every option with a flag becomes one, so the flags and the option table cannot drift. */
export function withConfigFlags<T>(argv: Argv<T>): Argv<T> {
  let out = argv;
  for (const spec of Object.values(options) as OptionSpec<unknown>[]) {
    if (spec.flag === undefined) continue;
    out = out.option(spec.flag, {
      type: 'string',
      describe: spec.description,
      group: 'Configuration:',
    });
  }
  return out;
}

/** The upstream CCM's command line, accepted so existing manifests keep working. */
export function withUpstreamFlags<T>(argv: Argv<T>) {
  return argv
    .option('cloud-provider', { type: 'string', describe: `must be "${providerName}" when given` })
    .option('provider-config', {
      type: 'string',
      describe: 'path to the config Secret file (JSON)',
    })
    .option('kubeconfig', {
      type: 'string',
      describe: 'path to a kubeconfig (default: in-cluster)',
    })
    .option('leader-elect', { type: 'boolean', describe: 'elect a leader before applying' })
    .option('authentication-skip-lookup', { type: 'boolean', describe: 'accepted and ignored' })
    .option('v', {
      type: 'string',
      describe: 'log verbosity: 0 info, 2 debug, 5 trace',
      default: '0',
    })
    .option('dry-run', { type: 'boolean', describe: 'print plans, apply nothing' });
}

export function verbosity(raw: unknown): number {
  const text = typeof raw === 'string' ? raw.trim() : '0';
  if (!/^\d+$/.test(text)) throw new UsageError([`--v: expected a whole number, got "${text}"`]);
  return Number(text);
}

export function checkProvider(raw: unknown): void {
  if (raw !== undefined && raw !== providerName) {
    throw new UsageError([
      `--cloud-provider: expected "${providerName}", got ${JSON.stringify(raw)}`,
    ]);
  }
}

export function durationFlag(flag: string, raw: string): number {
  const parsed = anyDuration(raw);
  if (!parsed.ok)
    throw new UsageError([`--${flag}: expected a duration such as 15s, got "${raw}"`]);
  return parsed.value;
}
