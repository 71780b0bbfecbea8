import { describe, expect, it } from 'vitest';
import { errorsOf, project, resolve, secret, token } from '../../../test/support/config-sources.ts';

describe('options that cannot overflow or contradict', () => {
  it('keeps every period within its documented range, naming the option (600h would overflow Node’s timers)', () => {
    expect(errorsOf({ secret: secret({}), flags: { 'sync-period': '600h' } })).toEqual([
      'syncPeriod (from flag --sync-period): expected a duration from 1s to 24h such as `30s` or `1m30s`; got "600h" (longer than 24h)',
    ]);
    expect(errorsOf({ secret: secret({}), flags: { 'sync-period': '500ms' } })[0]).toContain(
      '(shorter than 1s)',
    );
    expect(
      errorsOf({ secret: secret({}), env: { METAL_EIP_HEALTH_CHECK_INTERVAL: '2h' } })[0],
    ).toContain(
      'eipHealthCheckInterval (from environment variable METAL_EIP_HEALTH_CHECK_INTERVAL): expected a duration from 100ms to 1h',
    );
    expect(resolve({ secret: secret({ syncPeriod: '24h' }) }).settings.syncPeriodMs).toBe(
      86_400_000,
    );
  });

  it('refuses projectID and projectId with different values, naming both', () => {
    expect(
      errorsOf({
        secret: {
          path: '/etc/cloud-sa/cloud-sa.json',
          fields: {
            apiKey: token,
            projectID: project,
            projectId: '11111111-2222-4333-8444-555555555555',
          },
        },
      }),
    ).toEqual([
      'projectID: the config Secret /etc/cloud-sa/cloud-sa.json sets it in "projectID" and "projectId" with different values; keep one',
    ]);
    expect(
      resolve({
        secret: { path: 's', fields: { apiKey: token, projectID: project, projectId: project } },
      }).settings.projectID,
    ).toBe(project);
  });

  it('never repeats a secret when two of its fields disagree', () => {
    const errors = errorsOf({
      secret: { path: 's', fields: { apiKey: token, apikey: 'other-token', projectID: project } },
    });
    expect(errors).toEqual([
      'apiKey: the config Secret s sets it in "apiKey" and "apikey" with different values; keep one',
    ]);
  });

  it('says an upstream option it does not support is set, instead of ignoring it', () => {
    const { warnings } = resolve({
      secret: secret({ loadBalancerID: 'lb-1' }),
      env: { METAL_LOAD_BALANCER_ID: 'lb-2' },
    });
    expect(warnings).toEqual([
      expect.stringMatching(
        /^environment variable METAL_LOAD_BALANCER_ID is not supported and has no effect: this CCM does not manage an Equinix Metal Load Balancer/,
      ),
      expect.stringMatching(
        /^field "loadBalancerID" of the config Secret \/etc\/metal\/cloud-sa.json is not supported/,
      ),
    ]);
  });
});

describe('upstream’s templated annotation names', () => {
  it('accepts {{n}} in the Node BGP annotation names, once, and nowhere else', () => {
    const { settings } = resolve({
      secret: secret({ annotationLocalASN: 'metal.equinix.com/bgp-peers-{{n}}-node-asn' }),
    });
    expect(settings.annotations.localASN).toBe('metal.equinix.com/bgp-peers-{{n}}-node-asn');
    expect(errorsOf({ secret: secret({ annotationPeerIP: 'a.io/{{n}}-{{n}}' }) })[0]).toContain(
      '(more than one {{n}})',
    );
    expect(errorsOf({ secret: secret({ annotationEIPMetro: 'a.io/{{n}}-metro' }) })[0]).toContain(
      'annotationEIPMetro (from field "annotationEIPMetro"',
    );
  });
});
