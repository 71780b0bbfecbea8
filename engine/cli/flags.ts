import type { Argv } from 'yargs';
import { componentFlags } from './component/flag-table.ts';
import { options, type OptionSpec } from './config/options.ts';
import { UsageError } from './usage-error.ts';

const providerName = 'equinixmetal';

/**
 * The flags every command takes that the commands read by name; the component's and the
 * configuration's are read from the same object by their names (see component/options.ts).
 */
export type GlobalArgs = {
  readonly 'provider-config'?: string;
  readonly 'cloud-config'?: string;
  readonly 'cloud-provider'?: string;
  readonly kubeconfig?: string;
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

/**
 * The Kubernetes cloud-controller-manager's flags (values already normalised the pflag way, see
 * component/argv.ts), so existing manifests keep working; and this CCM's own few.
 */
export function withComponentFlags<T>(argv: Argv<T>): Argv<T> {
  let out = argv;
  for (const [name, spec] of Object.entries(componentFlags)) {
    out = out.option(name, {
      type: spec.kind === 'bool' ? 'boolean' : 'string',
      describe: `${spec.effect ?? `${spec.help} (no effect here)`}${spec.default === undefined ? '' : ` [upstream default: ${spec.default}]`}`,
      group:
        spec.effect === undefined
          ? 'Accepted for compatibility (no effect):'
          : 'Kubernetes component:',
      ...(spec.short === undefined || spec.short === name ? {} : { alias: spec.short }),
    });
  }
  return out
    .option('provider-config', {
      type: 'string',
      describe: 'path to the config Secret file (JSON); the older name of --cloud-config',
    })
    .option('dry-run', { type: 'boolean', describe: 'print plans, apply nothing' });
}

export function checkProvider(raw: unknown): void {
  if (raw !== undefined && raw !== providerName) {
    throw new UsageError([
      `--cloud-provider: expected "${providerName}", got ${JSON.stringify(raw)}`,
    ]);
  }
}

/** `--cloud-config`, or its older name `--provider-config`; both with different paths is an error. */
export function secretPath(args: GlobalArgs): string | undefined {
  const [cloud, provider] = [args['cloud-config'], args['provider-config']].map((v) =>
    typeof v === 'string' && v !== '' ? v : undefined,
  );
  if (cloud !== undefined && provider !== undefined && cloud !== provider)
    throw new UsageError([
      `--cloud-config (${cloud}) and --provider-config (${provider}) name different files: give one`,
    ]);
  return cloud ?? provider;
}
