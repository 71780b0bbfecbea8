import type { Logger } from './logging.ts';
import type { CliIo } from './io.ts';
import { resolveConfig, type ResolvedConfig } from './config/resolve.ts';
import { readSecretFile } from './config/secret-file.ts';
import { UsageError } from './usage-error.ts';

/** The configuration from flags > environment > the config Secret file > defaults, or a UsageError. */
export async function configure(
  flags: Record<string, unknown>,
  env: CliIo['env'],
  secretPath: string | undefined,
  logger: Logger,
): Promise<ResolvedConfig> {
  const secret = secretPath === undefined ? undefined : await readSecretFile(secretPath);
  if (secret?.ok === false) throw new UsageError([secret.error]);
  const resolution = resolveConfig({ flags, env, ...(secret?.ok ? { secret } : {}) });
  if (!resolution.ok) throw new UsageError(resolution.errors.map((e) => `config: ${e}`));
  for (const warning of resolution.value.warnings) logger.warn(warning);
  logger.debug({ origins: resolution.value.origins }, 'configuration resolved');
  return resolution.value;
}
