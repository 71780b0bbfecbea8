import type { Argv, CommandModule } from 'yargs';
import { configure } from '../configure.ts';
import type { CommandContext } from '../cli.ts';
import { componentOptions } from '../component/options.ts';
import { checkProvider, secretPath, type GlobalArgs } from '../flags.ts';
import type { CliIo } from '../io.ts';
import { liveRequest, parseTargets, planLive } from '../live-plan.ts';
import { createLogger, type Logger } from '../logging.ts';
import { planFixture } from '../plan-fixture.ts';
import { outputFormats, renderPlan } from '../../render/formats.ts';
import { targetPlan } from '../../plan/target.ts';
import { UsageError } from '../usage-error.ts';

function planOptions(argv: Argv<GlobalArgs>) {
  return argv
    .option('fixture', {
      type: 'string',
      describe: 'observe from a fixture folder instead of the live cluster and project',
    })
    .option('metal', {
      choices: ['fixture', 'api'] as const,
      default: 'fixture' as const,
      describe: 'with --fixture: observe Metal from the fixture or from the Metal API (--base-url)',
    })
    .option('output', {
      choices: outputFormats,
      default: 'text' as const,
      describe: 'text for people, json for programs, markdown for a pull request, dot for Graphviz',
    })
    .option('detailed-exitcode', {
      type: 'boolean',
      describe: 'exit 0 when converged, 2 when changes are pending, 1 on error',
    })
    .option('target', {
      type: 'string',
      array: true,
      default: [] as string[],
      describe:
        'limit the plan to an area or an object (Kind/name, Kind/namespace/name); repeatable',
    })
    .option('out', {
      type: 'string',
      describe: 'save the live plan, with what it was computed from, for `metal-ccm apply`',
    })
    .option('probes', {
      type: 'boolean',
      default: true,
      describe: 'probe the control plane once (--no-probes: plan its health as unknown)',
    });
}

type PlanArgs = ReturnType<typeof planOptions> extends Argv<infer U> ? U : never;

async function fixturePlan(args: PlanArgs, fixtureDir: string, io: CliIo, logger: Logger) {
  if (args.out !== undefined)
    throw new UsageError([
      '--out: only a live plan can be saved (apply re-observes the live world)',
    ]);
  const { plan } = await planFixture({
    fixtureDir,
    metal: args.metal,
    logger,
    configure: (fixtureConfig) =>
      configure(args, io.env, secretPath(args) ?? fixtureConfig, logger),
  });
  return targetPlan(plan, parseTargets(args.target));
}

/**
 * `metal-ccm plan`: the plan that would converge the cluster, applying nothing — of the live
 * cluster and project (read-only: no Lease, no server, no write), or of a fixture.
 */
export function planCommand(context: CommandContext): CommandModule<GlobalArgs, PlanArgs> {
  const { io, exit } = context;
  return {
    command: 'plan',
    describe: 'print the plan that would converge the cluster, applying nothing',
    builder: planOptions,
    handler: async (args) => {
      checkProvider(args['cloud-provider']);
      const { logging } = componentOptions(args, context.given);
      const logger = createLogger(logging.verbosity, io.stderr, logging.format);
      const plan =
        args.fixture === undefined
          ? await planLive(
              await liveRequest(args, io, logger),
              { targets: args.target, probes: args.probes },
              args.out,
            )
          : await fixturePlan(args, args.fixture, io, logger);
      io.stdout.write(renderPlan(plan, args.output, new Date(plan.header.observedAt)));
      exit(args['detailed-exitcode'] === true && plan.actions.length > 0 ? 2 : 0);
    },
  };
}
