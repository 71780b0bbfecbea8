import type { Argv, CommandModule } from 'yargs';
import { liveRequest } from '../live-plan.ts';
import { exportLive } from '../export-live.ts';
import type { CommandContext } from '../cli.ts';
import { componentOptions } from '../component/options.ts';
import { checkProvider, type GlobalArgs } from '../flags.ts';
import { createLogger } from '../logging.ts';

function exportOptions(argv: Argv<GlobalArgs>) {
  return argv
    .positional('dir', {
      type: 'string',
      demandOption: true,
      describe: 'the fixture folder to write',
    })
    .option('probes', {
      type: 'boolean',
      default: true,
      describe: 'probe the control plane once and record what was seen',
    });
}

type ExportArgs = ReturnType<typeof exportOptions> extends Argv<infer U> ? U : never;

/** `metal-ccm export <dir>`: the live cluster and project as a fixture, secrets replaced. */
export function exportCommand(context: CommandContext): CommandModule<GlobalArgs, ExportArgs> {
  const { io } = context;
  return {
    command: 'export <dir>',
    describe: 'write the live cluster and project as a fixture folder (secrets replaced)',
    builder: exportOptions,
    handler: async (args) => {
      checkProvider(args['cloud-provider']);
      const { logging } = componentOptions(args, context.given);
      const logger = createLogger(logging.verbosity, io.stderr, logging.format);
      const { kubernetes, metal } = await exportLive(
        await liveRequest(args, io, logger),
        args.dir,
        args.probes,
      );
      io.stdout.write(
        `Exported to ${args.dir}: ${String(kubernetes.nodes.length)} Nodes, ${String(kubernetes.services.length)} Services, ${String(metal.state.devices.length)} devices, ${String(metal.state.reservations.length)} reservations; secrets replaced by placeholders.\n`,
      );
    },
  };
}
