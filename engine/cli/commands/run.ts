import type { Argv, CommandModule } from 'yargs';
import { Daemon } from '../../run/daemon.ts';
import { configure } from '../configure.ts';
import { checkProvider, durationFlag, verbosity, type GlobalArgs } from '../flags.ts';
import type { CliIo } from '../io.ts';
import { createLogger } from '../logging.ts';

function runOptions(argv: Argv<GlobalArgs>) {
  return argv
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
    .option('leader-elect-resource-namespace', { type: 'string', default: 'kube-system' });
}

type RunArgs = ReturnType<typeof runOptions> extends Argv<infer U> ? U : never;

function untilSignalled(signals: NodeJS.EventEmitter | undefined): Promise<void> {
  return new Promise((resolve) => {
    signals?.once('SIGTERM', resolve);
    signals?.once('SIGINT', resolve);
  });
}

/** `metal-ccm run` (the default command): the CCM, until SIGTERM or SIGINT. */
export function runCommand(io: CliIo): CommandModule<GlobalArgs, RunArgs> {
  return {
    command: ['run', '$0'],
    describe: 'run the CCM against the cluster and the Metal API (the default command)',
    builder: runOptions,
    handler: async (args) => {
      checkProvider(args['cloud-provider']);
      const logger = createLogger(verbosity(args.v), io.stdout);
      const config = await configure(args, io.env, args['provider-config'], logger);
      const dryRun = args['dry-run'] === true;
      const daemon = new Daemon({
        settings: config.settings,
        ...(args.kubeconfig === undefined ? {} : { kubeconfig: args.kubeconfig }),
        dryRun,
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
      logger.info({ dryRun, leaderElect: args['leader-elect'] === true }, 'running');
      await untilSignalled(io.signals);
      logger.info('stopping');
      await daemon.stop();
    },
  };
}
