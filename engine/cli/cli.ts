import type { Writable } from 'node:stream';
import yargs, { type Argv } from 'yargs';
import { options, type OptionSpec } from './config/options.ts';
import { resolveConfig, type ResolvedConfig } from './config/resolve.ts';
import { readSecretFile } from './config/secret-file.ts';
import { planFixture, renderPlan } from './plan.ts';
import { createLogger, type Logger } from './logging.ts';
import { Daemon } from '../run/daemon.ts';
import { anyDuration } from './config/parsers.ts';

export interface CliIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where the daemon hears SIGTERM and SIGINT (the process, for the real thing). */
  readonly signals?: NodeJS.EventEmitter;
}

function untilSignalled(signals: NodeJS.EventEmitter | undefined): Promise<void> {
  return new Promise((resolve) => {
    signals?.once('SIGTERM', resolve);
    signals?.once('SIGINT', resolve);
  });
}

function durationFlag(flag: string, raw: string): number {
  const parsed = anyDuration(raw);
  if (!parsed.ok)
    throw new UsageError([`--${flag}: expected a duration such as 15s, got "${raw}"`]);
  return parsed.value;
}

/** A failure the user can fix; printed as one line per problem, exit code 1. */
export class UsageError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(problems.join('\n'));
    this.problems = problems;
  }
}

const providerName = 'equinixmetal';

/** Every option with a flag becomes one, so the flags and the option table cannot drift. */
function withConfigFlags<T>(argv: Argv<T>): Argv<T> {
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
function withUpstreamFlags<T>(argv: Argv<T>) {
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

function verbosity(raw: unknown): number {
  const text = typeof raw === 'string' ? raw.trim() : '0';
  if (!/^\d+$/.test(text)) throw new UsageError([`--v: expected a whole number, got "${text}"`]);
  return Number(text);
}

function checkProvider(raw: unknown): void {
  if (raw !== undefined && raw !== providerName) {
    throw new UsageError([
      `--cloud-provider: expected "${providerName}", got ${JSON.stringify(raw)}`,
    ]);
  }
}

async function configure(
  flags: Record<string, unknown>,
  env: CliIo['env'],
  secretPath: string | undefined,
  logger: Logger,
): Promise<ResolvedConfig> {
  const secret = secretPath === undefined ? undefined : await readSecretFile(secretPath);
  if (secret?.ok === false) throw new UsageError([secret.error]);
  const resolution = resolveConfig({ flags, env, ...(secret?.ok ? { secret } : {}) });
  if (!resolution.ok) throw new UsageError(resolution.errors.map((e) => `config: ${e}`));
  for (const warning of resolution.value.warnings) logger.warn(warning);
  logger.debug({ origins: resolution.value.origins }, 'configuration resolved');
  return resolution.value;
}

/** Runs the command line; returns the process exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const parser = withUpstreamFlags(withConfigFlags(yargs([...argv])))
    .scriptName('metal-ccm')
    .usage('$0 <command> [options]')
    .command(
      'plan',
      'print the plan that would converge the cluster, applying nothing',
      (y) =>
        y
          .option('fixture', {
            type: 'string',
            describe: 'observe from a fixture folder',
            demandOption: true,
          })
          .option('metal', {
            choices: ['fixture', 'api'] as const,
            default: 'fixture' as const,
            describe: 'observe Metal from the fixture or from the Metal API (--base-url)',
          })
          .option('output', { choices: ['text', 'json'] as const, default: 'text' as const })
          .option('detailed-exitcode', {
            type: 'boolean',
            describe: 'exit 0 when converged, 2 when changes are pending, 1 on error',
          }),
      async (args) => {
        checkProvider(args['cloud-provider']);
        const logger = createLogger(verbosity(args.v), io.stderr);
        const { plan } = await planFixture({
          fixtureDir: args.fixture,
          metal: args.metal,
          logger,
          configure: (fixtureConfig) =>
            configure(args, io.env, args['provider-config'] ?? fixtureConfig, logger),
        });
        io.stdout.write(renderPlan(plan, args.output, new Date(plan.header.observedAt)));
        exitCode = args['detailed-exitcode'] === true && plan.actions.length > 0 ? 2 : 0;
      },
    )
    .command(
      ['run', '$0'],
      'run the CCM against the cluster and the Metal API (the default command)',
      (y) =>
        y
          .option('health-address', {
            type: 'string',
            default: '0.0.0.0:10258',
            describe: 'host:port of /healthz, /readyz and /metrics',
          })
          .option('leader-elect-lease-duration', { type: 'string', default: '15s' })
          .option('leader-elect-renew-deadline', { type: 'string', default: '10s' })
          .option('leader-elect-retry-period', { type: 'string', default: '2s' })
          .option('leader-elect-resource-name', {
            type: 'string',
            default: 'cloud-controller-manager',
          })
          .option('leader-elect-resource-namespace', { type: 'string', default: 'kube-system' }),
      async (args) => {
        checkProvider(args['cloud-provider']);
        const logger = createLogger(verbosity(args.v), io.stdout);
        const config = await configure(args, io.env, args['provider-config'], logger);
        const daemon = new Daemon({
          settings: config.settings,
          ...(args.kubeconfig === undefined ? {} : { kubeconfig: args.kubeconfig }),
          dryRun: args['dry-run'] === true,
          healthAddress: args['health-address'],
          logger,
          leaderElection: {
            enabled: args['leader-elect'] === true,
            name: args['leader-elect-resource-name'],
            namespace: args['leader-elect-resource-namespace'],
            leaseDurationMs: durationFlag(
              'leader-elect-lease-duration',
              args['leader-elect-lease-duration'],
            ),
            renewDeadlineMs: durationFlag(
              'leader-elect-renew-deadline',
              args['leader-elect-renew-deadline'],
            ),
            retryPeriodMs: durationFlag(
              'leader-elect-retry-period',
              args['leader-elect-retry-period'],
            ),
          },
        });
        await daemon.start();
        logger.info(
          { dryRun: args['dry-run'] === true, leaderElect: args['leader-elect'] === true },
          'running',
        );
        await untilSignalled(io.signals);
        logger.info('stopping');
        await daemon.stop();
      },
    )
    .demandCommand(1, 'name a command')
    .strict()
    .help()
    .version(false)
    .exitProcess(false)
    // yargs passes no error for its own usage failures, whatever its types say.
    .fail((message: string, error: Error | undefined) => {
      throw error ?? new UsageError([message]);
    });
  try {
    await parser.parseAsync();
  } catch (error) {
    if (error instanceof UsageError) {
      for (const problem of error.problems) io.stderr.write(`metal-ccm: ${problem}\n`);
    } else {
      io.stderr.write(`metal-ccm: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    return 1;
  }
  return exitCode;
}
