import type { V1Service } from '@kubernetes/client-node';
import type { Snapshot } from '../../model/snapshot.ts';

const locationCode = /^[a-z0-9]+$/;

export type Location = { readonly metro: string } | { readonly facility: string };

/**
 * Where the Service's EIP goes, in the upstream CCM's order (its loadbalancers.go, which its
 * README tells otherwise): the Service's metro annotation, its facility annotation, the configured
 * metro, the configured facility.
 */
export function locationOf(service: V1Service, snapshot: Snapshot): Location | { error: string } {
  const { eipMetro, eipFacility } = snapshot.settings.annotations;
  const annotations = service.metadata?.annotations ?? {};
  for (const [key, field] of [
    [eipMetro, 'metro'],
    [eipFacility, 'facility'],
  ] as const) {
    const value = annotations[key];
    if (value === undefined) continue;
    const code = value.trim().toLowerCase();
    if (!locationCode.test(code))
      return {
        error: `annotation ${key}: expected a ${field} code such as ${field === 'metro' ? '"da"' : '"da11"'}, got ${JSON.stringify(value)}`,
      };
    return field === 'metro' ? { metro: code } : { facility: code };
  }
  const { facility, metro } = snapshot.metal.location;
  if (metro !== undefined) return { metro };
  if (facility !== undefined) return { facility };
  return { error: 'no metro or facility is configured and the Service names none' };
}
