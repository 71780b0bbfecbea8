import type { Settings } from '../../model/settings.ts';
import { MetalClient } from '../../providers/metal/client.ts';
import {
  describeKey,
  describeStartupFailure,
  isNotFound,
  isUnauthorized,
} from '../../providers/metal/errors.ts';
import { MetalTransport, type MetalLog } from '../../providers/metal/transport.ts';
import type { Logger } from '../cli/logging.ts';
import type { Metrics } from './metrics.ts';

export interface MetalConnection {
  readonly client: MetalClient;
  /**
   * Resolves once the credentials are known to read the project; rejects, saying what to fix,
   * when the API refuses them or does not know the project. Asked when this process starts to
   * lead (a standby makes no Metal call), and only once.
   */
  verified(): Promise<void>;
  /** verified() has resolved: until then no loop observes Metal (a refused key would be used). */
  readonly isVerified: () => boolean;
}

/**
 * `PACKNGO_DEBUG` (as the upstream CCM's Metal client, packngo) logs every Metal request and its
 * answer at info level, whatever `--v` says; the token is never among them.
 */
function requestLog(log: Logger, env: Readonly<Record<string, string | undefined>>): MetalLog {
  if ((env['PACKNGO_DEBUG'] ?? '') === '') return log;
  return {
    debug: (object, message) => {
      log.info(object, message);
    },
    warn: (object, message) => {
      log.warn(object, message);
    },
  };
}

/**
 * A warning when the Metal API refuses the key (401, 403), naming where the key came from (the
 * file and since when its content is in use, after a rotation): once per key, not per call.
 */
function refusedKeyWarning(settings: Settings, log: Logger): (outcome: number | string) => void {
  let warned: string | undefined;
  return (outcome) => {
    if (outcome !== 401 && outcome !== 403) return;
    const source = describeKey(settings.apiKey.source());
    if (source === warned) return;
    warned = source;
    log.warn({ status: outcome }, `the Metal API refused ${source}`);
  };
}

/** The Metal client of the daemon: counted in the metrics; nothing is called until asked. */
export function metalConnection(deps: {
  settings: Settings;
  env: Readonly<Record<string, string | undefined>>;
  log: Logger;
  metrics: Metrics;
}): MetalConnection {
  const { settings, metrics } = deps;
  const refused = refusedKeyWarning(settings, deps.log);
  const transport = new MetalTransport({
    baseURL: settings.baseURL,
    token: settings.apiKey,
    timeoutMs: settings.metalRequestTimeoutMs,
    log: requestLog(deps.log, deps.env),
    proxyEnv: deps.env,
    onCall: (call) => {
      metrics.metalRequests.inc({ operation: call.operation, code: String(call.outcome) });
      metrics.metalRequestDuration.observe({ operation: call.operation }, call.durationMs / 1000);
      refused(call.outcome);
    },
    onRateLimited: () => {
      metrics.metalRateLimitPauses.inc();
    },
  });
  const client = new MetalClient(transport);
  let verification: Promise<void> | undefined;
  let verified = false;
  return {
    client,
    isVerified: () => verified,
    verified: () =>
      (verification ??= client.getProject(settings.projectID).then(
        () => {
          verified = true;
        },
        (error: unknown) => {
          if (isUnauthorized(error) || isNotFound(error))
            throw new Error(describeStartupFailure(error, settings.apiKey.source()), {
              cause: error,
            });
          // Anything else (the API unreachable) is for the loops to retry, and /readyz to show.
          verified = true;
          deps.log.warn(
            { err: describeStartupFailure(error, settings.apiKey.source()) },
            'the Metal project could not be read yet',
          );
        },
      )),
  };
}
