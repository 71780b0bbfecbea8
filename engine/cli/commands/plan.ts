import type { Argv, CommandModule } from 'yargs';
import { configure } from '../configure.ts';
import { checkProvider, verbosity, type GlobalArgs } from '../flags.ts';
import type { CliIo } from '../io.ts';
import { createLogger } from '../logging.ts';
import { planFixture, renderPlan } from '../plan-fixture.ts';

function planOptions(argv: Argv<GlobalArgs>) {
  return argv
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
    });
}

type PlanArgs = ReturnType<typeof planOptions> extends Argv<infer U> ? U : never;

/** `metal-ccm plan`: the plan that would converge the cluster, applying nothing. */
export function planCommand(
  io: CliIo,
  exit: (code: number) => void,
): CommandModule<GlobalArgs, PlanArgs> {
  return {
    command: 'plan',
    describe: 'print the plan that would converge the cluster, applying nothing',
    builder: planOptions,
    handler: async (args) => {
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
      exit(args['detailed-exitcode'] === true && plan.actions.length > 0 ? 2 : 0);
    },
  };
}
