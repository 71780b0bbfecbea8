import yargs, { type Argv } from 'yargs';
import { applyCommand } from './commands/apply.ts';
import { doctorCommand } from './commands/doctor.ts';
import { exportCommand } from './commands/export.ts';
import { planCommand } from './commands/plan.ts';
import { runCommand } from './commands/run.ts';
import { normaliseComponentArgs } from './component/argv.ts';
import { componentFlags } from './component/flag-table.ts';
import { withComponentFlags, withConfigFlags, type GlobalArgs } from './flags.ts';
import type { CliIo } from './io.ts';
import { UsageError } from './usage-error.ts';
import { versionText } from './version.ts';

export type { CliIo } from './io.ts';
export { UsageError } from './usage-error.ts';

/** What every command learns from the command line besides its arguments. */
export interface CommandContext {
  readonly io: CliIo;
  /** The component flags given (for the one line naming those without effect). */
  readonly given: readonly string[];
  readonly exit: (code: number) => void;
}

function parser(argv: readonly string[], context: CommandContext): Argv<GlobalArgs> {
  // The built-in --version goes first: the component's own `--version` flag takes its place.
  const global: Argv<GlobalArgs> = withComponentFlags(
    withConfigFlags(yargs([...argv]).version(false)),
  );
  return (
    global
      .scriptName('metal-ccm')
      .usage('$0 [command] [options]')
      // As pflag: a flag given twice keeps its last value (lists are joined before, in argv.ts).
      .parserConfiguration({ 'duplicate-arguments-array': false, 'dot-notation': false })
      .command(planCommand(context))
      .command(applyCommand(context))
      .command(exportCommand(context))
      .command(doctorCommand(context))
      .command(runCommand(context))
      .strict()
      .help()
      .alias('help', 'h')
      .exitProcess(false)
      // yargs passes no error for its own usage failures, whatever its types say.
      .fail((message: string, error: Error | undefined) => {
        throw error ?? new UsageError([message]);
      })
  );
}

/** Runs the command line; returns the process exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const exit = (code: number): void => {
    exitCode = code;
  };
  try {
    const normalised = normaliseComponentArgs(argv, componentFlags);
    const version = /^--version=(.*)$/.exec(
      normalised.argv.findLast((a) => a.startsWith('--version=')) ?? '',
    )?.[1];
    if (version !== undefined && version !== 'false') {
      io.stdout.write(await versionText(version === 'raw'));
      return 0;
    }
    await parser(normalised.argv, { io, given: normalised.given, exit }).parseAsync();
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
