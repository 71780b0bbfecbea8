import type { Argv, CommandModule } from 'yargs';
import { Daemon } from '../../run/daemon.ts';
import type { CommandContext } from '../cli.ts';
import { componentOptions, type ComponentOptions } from '../component/options.ts';
import { hostPort } from '../component/values.ts';
import { configure } from '../configure.ts';
import { checkProvider, secretPath, type GlobalArgs } from '../flags.ts';
import { createLogger, type Logger } from '../logging.ts';
import { UsageError } from '../usage-error.ts';

function runOptions(argv: Argv<GlobalArgs>) {
  return argv.option('health-address', {
    type: 'string',
    describe:
      'host:port of plain HTTP /healthz, /livez, /readyz and /metrics, without authentication (off unless given)',
  });
}

type RunArgs = ReturnType<typeof runOptions> extends Argv<infer U> ? U : never;

function plainAddress(raw: string | undefined): { host: string; port: number } | undefined {
  if (raw === undefined || raw === '') return undefined;
  const read = hostPort(raw);
  if (!read.ok) throw new UsageError([`--health-address: expected ${read.expected}, got "${raw}"`]);
  return read.value;
}

function untilSignalled(signals: NodeJS.EventEmitter | undefined): Promise<string> {
  return new Promise((resolve) => {
    signals?.once('SIGTERM', () => {
      resolve('SIGTERM');
    });
    signals?.once('SIGINT', () => {
      resolve('SIGINT');
    });
  });
}

function announce(logger: Logger, component: ComponentOptions, dryRun: boolean): void {
  if (component.noEffect.length > 0)
    logger.info(
      { flags: component.noEffect.map((f) => `--${f}`).join(' ') },
      'these Kubernetes component flags are accepted and have no effect here',
    );
  if (dryRun && component.leaderElection.enabled)
    logger.info('dry run: not taking part in leader election (a dry run writes nothing)');
}

/** `metal-ccm run` (the default command): the CCM, until SIGTERM or SIGINT. */
export function runCommand(context: CommandContext): CommandModule<GlobalArgs, RunArgs> {
  const { io } = context;
  return {
    command: ['run', '$0'],
    describe: 'run the CCM against the cluster and the Metal API (the default command)',
    builder: runOptions,
    handler: async (args) => {
      checkProvider(args['cloud-provider']);
      const component = componentOptions(args, context.given);
      const plain = plainAddress(args['health-address']);
      const logger = createLogger(component.logging.verbosity, io.stdout, component.logging.format);
      const dryRun = args['dry-run'] === true;
      announce(logger, component, dryRun);
      const config = await configure(args, io.env, secretPath(args), logger);
      const daemon = new Daemon({
        settings: config.settings,
        kube: {
          ...(component.kubeconfig === undefined ? {} : { kubeconfig: component.kubeconfig }),
          ...(component.master === undefined ? {} : { master: component.master }),
          ...component.kubeApi,
        },
        dryRun,
        serving: { ...component.serving, ...(plain === undefined ? {} : { plain }) },
        logger,
        leaderElection: {
          ...component.leaderElection,
          enabled: component.leaderElection.enabled && !dryRun,
        },
        env: io.env,
      });
      const signalled = untilSignalled(io.signals);
      await daemon.start();
      const ended = await Promise.race([signalled, daemon.fatal]);
      logger.info({ reason: ended instanceof Error ? 'error' : ended }, 'stopping');
      await daemon.stop();
      if (ended instanceof Error) throw ended;
    },
  };
}
