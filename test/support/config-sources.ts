import { resolveConfig, type ConfigSources } from '../../engine/cli/config/resolve.ts';

/** The sources and helpers the configuration's tests share. */
export const project = '0f6b7b9e-2c1a-4e6f-9a57-3f0c1c0d6a11';
export const token = 'tok-3f9a-never-print';
export const secret = (fields: Record<string, unknown>): ConfigSources['secret'] => ({
  path: '/etc/metal/cloud-sa.json',
  fields: { apiKey: token, projectID: project, ...fields },
});

export function resolve(sources: Partial<ConfigSources>) {
  const result = resolveConfig({ flags: {}, env: {}, ...sources });
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.value;
}

export function errorsOf(sources: Partial<ConfigSources>): string[] {
  const result = resolveConfig({ flags: {}, env: {}, ...sources });
  if (result.ok) throw new Error('expected errors');
  return [...result.errors];
}
