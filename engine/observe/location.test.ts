import { describe, expect, it } from 'vitest';
import type { V1Service } from '@kubernetes/client-node';
import type { KubernetesState } from '../../model/snapshot.ts';
import { settings } from '../../test/support/builders.ts';
import { LocationSource, locationNeeded } from './location.ts';

const never = (): Promise<never> => Promise.reject(new Error('should not be asked'));

function unconfigured() {
  const none = settings();
  delete (none as { metro?: string }).metro;
  return none;
}

describe('LocationSource', () => {
  it('takes the configured metro or facility without asking the metadata service', async () => {
    expect(await new LocationSource(settings({ metro: 'sv' }), never).current(true)).toEqual({
      metro: 'sv',
      from: 'configuration',
    });
    const facilityOnly = unconfigured();
    (facilityOnly as { facility?: string }).facility = 'da11';
    expect(await new LocationSource(facilityOnly, never).current(true)).toEqual({
      facility: 'da11',
      from: 'configuration',
    });
  });

  it('asks the metadata of the host only when a Service needs a location, and keeps the answer', async () => {
    let asked = 0;
    const source = new LocationSource(unconfigured(), () => {
      asked++;
      return Promise.resolve({ metro: 'ny', facility: 'ny5' });
    });
    expect(await source.current(false)).toEqual({ from: 'unknown' });
    expect(asked).toBe(0);
    expect(await source.current(true)).toEqual({ metro: 'ny', facility: 'ny5', from: 'metadata' });
    await source.current(true);
    expect(asked).toBe(1);
  });

  it('starts without a location when the host does not answer, and asks again only later', async () => {
    let asked = 0;
    const source = new LocationSource(
      unconfigured(),
      () => {
        asked++;
        return Promise.reject(new Error('the metadata service at x did not answer (ECONNABORTED)'));
      },
      undefined,
      60_000,
    );
    expect(await source.current(true, 0)).toEqual({ from: 'unknown' });
    expect(source.lastFailure).toMatch(/did not answer/);
    expect(await source.current(true, 59_999)).toEqual({ from: 'unknown' });
    expect(asked).toBe(1);
    await source.current(true, 60_000);
    expect(asked).toBe(2);
  });
});

describe('locationNeeded', () => {
  const lb = (annotations: Record<string, string> = {}, ip?: string): V1Service => ({
    metadata: { name: 's', namespace: 'd', annotations },
    spec: { type: 'LoadBalancer', ...(ip === undefined ? {} : { loadBalancerIP: ip }) },
  });
  const state = (parts: { services: V1Service[] }): KubernetesState => ({
    nodes: [],
    kubernetesEndpointSlices: [],
    mirrorEndpointSlices: [],
    ...parts,
  });
  const withLb = settings({ loadBalancer: { kind: 'kube-vip' } });

  it('is true for a LoadBalancer Service without an address or a location of its own', () => {
    expect(locationNeeded(state({ services: [lb()] }), withLb)).toBe(true);
    expect(locationNeeded(state({ services: [lb({}, '203.0.113.9')] }), withLb)).toBe(false);
    expect(
      locationNeeded(state({ services: [lb({ 'metal.equinix.com/eip-metro': 'da' })] }), withLb),
    ).toBe(false);
    expect(locationNeeded(state({ services: [lb()] }), settings())).toBe(false);
  });

  it('looks past an address another controller left in status, and skips what is not ours', () => {
    const shown: V1Service = {
      metadata: { name: 's', namespace: 'd' },
      spec: { type: 'LoadBalancer' },
      status: { loadBalancer: { ingress: [{ ip: '192.0.2.7' }] } },
    };
    expect(locationNeeded(state({ services: [shown] }), withLb)).toBe(true);
    const otherClass: V1Service = {
      metadata: { name: 's', namespace: 'd' },
      spec: { type: 'LoadBalancer', loadBalancerClass: 'example.com/other' },
    };
    const leaving: V1Service = {
      metadata: { name: 't', namespace: 'd', deletionTimestamp: new Date() },
      spec: { type: 'LoadBalancer' },
    };
    expect(locationNeeded(state({ services: [otherClass, leaving] }), withLb)).toBe(false);
  });
});
