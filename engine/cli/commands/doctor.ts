import type { Argv, CommandModule } from 'yargs';
import { loadKubeConfig } from '../../../providers/kubernetes/kubeconfig.ts';
import { KubeRest } from '../../../providers/kubernetes/rest.ts';
import { MetalClient } from '../../../providers/metal/client.ts';
import { MetalTransport } from '../../../providers/metal/transport.ts';
import { failed, renderJson, renderText, runChecks } from '../../doctor/doctor.ts';
import { gatherFacts } from '../../doctor/gather.ts';
import type { CommandContext } from '../cli.ts';
import { componentOptions } from '../component/options.ts';
import { configure } from '../configure.ts';
import { checkProvider, secretPath, type GlobalArgs } from '../flags.ts';
import { createLogger } from '../logging.ts';

function doctorOptions(argv: Argv<GlobalArgs>) {
  return argv.option('output', {
    choices: ['text', 'json'] as const,
    default: 'text' as const,
    describe: 'text for people (one line per check), json for programs',
  });
}

type DoctorArgs = ReturnType<typeof doctorOptions> extends Argv<infer U> ? U : never;

/**
 * `metal-ccm doctor`: a read-only preflight with the configuration `run` would use — the Metal
 * project, the Kubernetes identity and its Lease, the Nodes, the load balancer — one line per
 * check; exit 1 when any check fails.
 */
export function doctorCommand(context: CommandContext): CommandModule<GlobalArgs, DoctorArgs> {
  const { io, exit } = context;
  return {
    command: 'doctor',
    describe: 'check, read-only, that the CCM would work here (exit 1 on any failed check)',
    builder: doctorOptions,
    handler: async (args) => {
      checkProvider(args['cloud-provider']);
      const component = componentOptions(args, context.given);
      const logger = createLogger(component.logging.verbosity, io.stderr, component.logging.format);
      const { settings } = await configure(args, io.env, secretPath(args), logger);
      const rest = new KubeRest(
        loadKubeConfig({
          ...(component.kubeconfig === undefined ? {} : { kubeconfig: component.kubeconfig }),
          ...(component.master === undefined ? {} : { master: component.master }),
          env: io.env,
        }),
      );
      const metal = new MetalClient(
        new MetalTransport({
          baseURL: settings.baseURL,
          token: settings.apiKey,
          timeoutMs: settings.metalRequestTimeoutMs,
          retries: 1,
          log: logger,
        }),
      );
      const { namespace, name } = component.leaderElection;
      const facts = await gatherFacts({
        settings,
        rest,
        metal,
        lease: { namespace, name },
        logger,
      });
      const checks = runChecks(facts, rest.server);
      io.stdout.write(args.output === 'json' ? renderJson(checks) : renderText(checks));
      exit(failed(checks) ? 1 : 0);
    },
  };
}
