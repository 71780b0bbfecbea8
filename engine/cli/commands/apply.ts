import type { Argv, CommandModule } from 'yargs';
import type { ApplyReport } from '../../apply/applier.ts';
import type { Plan } from '../../../model/plan.ts';
import { applySaved } from '../apply-saved.ts';
import { liveRequest } from '../live-plan.ts';
import type { CommandContext } from '../cli.ts';
import { componentOptions } from '../component/options.ts';
import { checkProvider, type GlobalArgs } from '../flags.ts';
import { createLogger } from '../logging.ts';
import { readSavedPlan } from '../saved-plan.ts';

function applyOptions(argv: Argv<GlobalArgs>) {
  return argv
    .positional('plan', {
      type: 'string',
      demandOption: true,
      describe: 'a plan saved by `plan --out`',
    })
    .option('lock', {
      type: 'boolean',
      default: true,
      describe:
        'hold the leader Lease while applying (--lock=false: do not, when sure no CCM runs)',
    })
    .option('leader-elect-resource-name', { type: 'string', default: 'cloud-controller-manager' })
    .option('leader-elect-resource-namespace', { type: 'string', default: 'kube-system' });
}

type ApplyArgs = ReturnType<typeof applyOptions> extends Argv<infer U> ? U : never;

const markers = { create: '+', update: '~', delete: '-' } as const;

/** One line per action with its outcome, then the counts. */
function outcomeLines(plan: Plan, report: ApplyReport): string[] {
  const byId = new Map(report.outcomes.map((o) => [o.id, o]));
  const lines = plan.actions.map((a) => {
    const o = byId.get(a.id);
    const detail =
      o === undefined
        ? 'not reached'
        : o.status === 'failed'
          ? `failed: ${o.error instanceof Error ? o.error.message : String(o.error)}`
          : o.status === 'skipped'
            ? `skipped: ${o.reason}`
            : 'applied';
    return `  ${markers[a.operation]} ${a.target}: ${detail}`;
  });
  const count = (status: string): number =>
    report.outcomes.filter((o) => o.status === status).length;
  return [
    ...lines,
    '',
    `Apply complete: ${String(count('applied'))} applied, ${String(count('failed'))} failed, ${String(count('skipped'))} skipped.`,
  ];
}

/** `metal-ccm apply <plan.json>`: exactly a reviewed plan, or a refusal saying what moved. */
export function applyCommand(context: CommandContext): CommandModule<GlobalArgs, ApplyArgs> {
  const { io, exit } = context;
  return {
    command: 'apply <plan>',
    describe: 'apply exactly a plan saved by `plan --out`, if nothing it depends on changed',
    builder: applyOptions,
    handler: async (args) => {
      checkProvider(args['cloud-provider']);
      const { logging } = componentOptions(args, context.given);
      const logger = createLogger(logging.verbosity, io.stderr, logging.format);
      const saved = await readSavedPlan(args.plan);
      const { plan, report } = await applySaved(
        saved,
        await liveRequest(args, io, logger),
        args.lock
          ? {
              namespace: args['leader-elect-resource-namespace'],
              name: args['leader-elect-resource-name'],
            }
          : undefined,
      );
      if (plan.actions.length === 0) {
        io.stdout.write('No changes. Nothing to apply.\n');
        return;
      }
      io.stdout.write(`${outcomeLines(plan, report).join('\n')}\n`);
      exit(report.outcomes.every((o) => o.status === 'applied') ? 0 : 1);
    },
  };
}
