import { describe, expect, it } from 'vitest';
import type { KubernetesState } from '../../model/snapshot.ts';
import { settings } from '../../test/support/builders.ts';
import { apiServerPortCheck, leaseCheck } from './kube-checks.ts';
import { loadBalancerCheck } from './load-balancer-checks.ts';
import { rateLimitCheck } from './metal-checks.ts';
import { renderText } from './doctor.ts';
import type { MetalFacts } from './facts.ts';

const empty: KubernetesState = {
  nodes: [],
  services: [],
  kubernetesEndpointSlices: [],
  mirrorEndpointSlices: [],
};
const lease = { namespace: 'kube-system', name: 'cloud-controller-manager' };

// What a real API server does not let a test provoke (default/kubernetes always has a port; the
// harness's MetalLB CRDs stay installed for the other tests), and the quiet cases.
describe('doctor checks the integration tests cannot provoke', () => {
  it('fails when neither apiServerPort nor default/kubernetes gives the control plane’s port', () => {
    const check = apiServerPortCheck(empty, settings({ eipTag: 'cp', apiServerPort: 0 }));
    expect(check).toMatchObject({
      status: 'fail',
      seen: expect.stringContaining('no target port'),
    });
  });

  it('fails when MetalLB does not serve a resource at the version the CCM writes', () => {
    const served = new Map([
      ['ipaddresspools', ['v1beta1']],
      ['bgpadvertisements', ['v1beta1']],
      ['bgppeers', ['v1beta1']],
    ]);
    const lb = { kind: 'metallb-crds', namespace: 'metallb-system' } as const;
    const check = loadBalancerCheck(empty, settings({ loadBalancer: lb }), {
      ok: true,
      value: served,
    });
    expect(check).toMatchObject({
      status: 'fail',
      seen: 'MetalLB CRDs: ipaddresspools v1beta1, bgpadvertisements v1beta1, bgppeers v1beta1; the CCM writes metallb.io/v1beta2 BGPPeer',
    });
    const none = loadBalancerCheck(empty, settings({ loadBalancer: lb }), {
      ok: true,
      value: new Map(),
    });
    expect(none.seen).toContain('ipaddresspools not served');
  });

  it('takes a Lease that is free or expired as free', () => {
    const now = Date.parse('2026-11-30T12:00:00Z');
    expect(leaseCheck({ ok: true, value: lease }, now)).toMatchObject({
      status: 'ok',
      seen: 'Lease kube-system/cloud-controller-manager is free',
    });
    const expired = { ...lease, holder: 'old', renewedAt: now - 16_000, durationMs: 15_000 };
    expect(leaseCheck({ ok: true, value: expired }, now)).toMatchObject({
      status: 'ok',
      seen: expect.stringContaining('expired'),
    });
    expect(
      leaseCheck({ ok: true, value: { ...expired, renewedAt: now - 14_000 } }, now).status,
    ).toBe('warn');
  });

  it('says when the answers tell no rate limit', () => {
    expect(rateLimitCheck({} as MetalFacts, 0)).toMatchObject({
      status: 'ok',
      seen: 'the answers carry no X-RateLimit headers',
    });
  });

  it('prints the fix after what was seen, and a summary', () => {
    expect(
      renderText([
        { name: 'a', status: 'ok', seen: 'fine' },
        { name: 'b', status: 'fail', seen: 'broken', fix: 'mend it' },
      ]),
    ).toBe('ok    a: fine\nfail  b: broken — fix: mend it\n1 ok, 0 warn, 1 fail\n');
  });
});
