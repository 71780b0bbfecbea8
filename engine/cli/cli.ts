import yargs, { type Argv } from 'yargs';
import { applyCommand } from './commands/apply.ts';
import { exportCommand } from './commands/export.ts';
import { planCommand } from './commands/plan.ts';
import { runCommand } from './commands/run.ts';
import { withConfigFlags, withUpstreamFlags, type GlobalArgs } from './flags.ts';
import type { CliIo } from './io.ts';
import { UsageError } from './usage-error.ts';

export type { CliIo } from './io.ts';
export { UsageError } from './usage-error.ts';

/** Runs the command line; returns the process exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const exit = (code: number): void => {
    exitCode = code;
  };
  const global: Argv<GlobalArgs> = withUpstreamFlags(withConfigFlags(yargs([...argv])));
  const parser = global
    .scriptName('metal-ccm')
    .usage('$0 <command> [options]')
    .command(planCommand(io, exit))
    .command(applyCommand(io, exit))
    .command(exportCommand(io))
    .command(runCommand(io))
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
    const problems =
      error instanceof UsageError
        ? error.problems
        : [error instanceof Error ? error.message : String(error)];
    for (const problem of problems) io.stderr.write(`metal-ccm: ${problem}\n`);
    return 1;
  }
  return exitCode;
}
