import { describe, expect, it } from 'vitest';
import { serviceTags } from '../../model/marks/tags.ts';
import { cluster, holding, reservation, service, world } from '../../test/support/service-world.ts';
import { factsOf } from './facts.ts';

describe('which reservation is each Service’s', () => {
  it('is decided once, and the load balancer announces only the owners’ addresses', () => {
    const lb = { kind: 'metallb-crds', namespace: 'metallb-system' } as const;
    const web = holding(service('web'), '198.51.100.1', 'metallb.io/loadBalancerIPs');
    const thief = service('thief', { loadBalancerIP: '198.51.100.1' });
    const older = service(
      'a',
      { loadBalancerIP: '198.51.100.5' },
      {},
      { created: '2026-01-01T00:00:00Z' },
    );
    const newer = service(
      'b',
      { loadBalancerIP: '198.51.100.5' },
      {},
      { created: '2026-02-01T00:00:00Z' },
    );
    const snapshot = world({
      lb,
      services: [web, thief, newer, older],
      reservations: [reservation(1, serviceTags('default', 'web', cluster)), reservation(5, [])],
    });
    const claims = factsOf(snapshot).serviceClaims;
    expect(factsOf(snapshot).serviceClaims).toBe(claims);
    expect(claims?.addresses.map((a) => [a.service.metadata?.name, a.address])).toEqual([
      ['a', '198.51.100.5'],
      ['web', '198.51.100.1'],
    ]);
    expect(claims?.claims.map((c) => [c.service.metadata?.name, c.decision.kind])).toEqual([
      ['a', 'chosen'],
      ['b', 'refused'],
      ['thief', 'refused'],
      ['web', 'own'],
    ]);
  });
});
