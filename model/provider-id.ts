import type { V1Node } from '@kubernetes/client-node';
import { isUuid, type DeviceId } from './ids.ts';

export const providerName = 'equinixmetal';

/** What a Node's `spec.providerID` says about its device. */
export type ProviderIdReading =
  | { readonly kind: 'empty' }
  | { readonly kind: 'device'; readonly deviceId: DeviceId }
  | { readonly kind: 'foreign'; readonly providerId: string }
  | { readonly kind: 'malformed'; readonly providerId: string; readonly problem: string };

const ours = ['equinixmetal://', 'packet://'] as const;

/** Reads `equinixmetal://<uuid>`, the legacy `packet://<uuid>`, or a bare UUID. */
export function readProviderId(providerId: string | undefined): ProviderIdReading {
  if (providerId === undefined || providerId === '') return { kind: 'empty' };
  const prefix = ours.find((p) => providerId.startsWith(p));
  const rest = prefix === undefined ? providerId : providerId.slice(prefix.length);
  if (isUuid(rest)) return { kind: 'device', deviceId: rest.toLowerCase() as DeviceId };
  if (prefix !== undefined) {
    return {
      kind: 'malformed',
      providerId,
      problem: `expected ${prefix}<device UUID>, got "${rest}" after the prefix`,
    };
  }
  return { kind: 'foreign', providerId };
}

export function providerIdOf(deviceId: DeviceId): string {
  return `${providerName}://${deviceId}`;
}

/** The devices Nodes name by provider ID: the Metal observation looks these up even when absent. */
export function referencedDevices(nodes: readonly V1Node[]): DeviceId[] {
  return nodes.flatMap((n) => {
    const reading = readProviderId(n.spec?.providerID);
    return reading.kind === 'device' ? [reading.deviceId] : [];
  });
}
