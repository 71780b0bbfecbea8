import { describe, expect, it } from 'vitest';
import { Sensitive } from '../../../model/sensitive.ts';
import { errorsOf, project, resolve, secret, token } from '../../../test/support/config-sources.ts';

describe('resolveConfig precedence', () => {
  it('takes defaults when nothing else sets an option', () => {
    const { settings, origins } = resolve({ secret: secret({}) });
    expect(settings.localASN).toBe(65000);
    expect(settings.baseURL).toBe('https://api.equinix.com/metal/v1');
    expect(settings.loadBalancer).toEqual({ kind: 'none' });
    expect(settings.annotations.localASN).toBe('metal.equinix.com/node-asn');
    expect(settings.annotations.peerASNs).toBe('metal.equinix.com/peer-asn');
    expect(settings.annotations.networkIPv4Private).toBe('metal.equinix.com/network-4-private');
    expect(settings.syncPeriodMs).toBe(30_000);
    expect(settings.eipTag).toBe('');
    expect(origins.localASN).toBe('default');
  });

  it('lets the config Secret override the default', () => {
    const { settings, origins } = resolve({ secret: secret({ localASN: 65100 }) });
    expect(settings.localASN).toBe(65100);
    expect(origins.localASN).toBe('field "localASN" of the config Secret /etc/metal/cloud-sa.json');
  });

  it('lets the environment override the config Secret', () => {
    const { settings, origins } = resolve({
      secret: secret({ localASN: 65100 }),
      env: { METAL_LOCAL_ASN: '65200' },
    });
    expect(settings.localASN).toBe(65200);
    expect(origins.localASN).toBe('environment variable METAL_LOCAL_ASN');
  });

  it('lets a flag override the environment', () => {
    const { settings, origins } = resolve({
      secret: secret({ localASN: 65100 }),
      env: { METAL_LOCAL_ASN: '65200' },
      flags: { 'local-asn': '65300' },
    });
    expect(settings.localASN).toBe(65300);
    expect(origins.localASN).toBe('flag --local-asn');
  });

  it('reads the token and project from the environment alone', () => {
    const { settings } = resolve({ env: { METAL_API_KEY: token, METAL_PROJECT_ID: project } });
    expect(settings.apiKey).toBeInstanceOf(Sensitive);
    expect(settings.apiKey.reveal()).toBe(token);
    expect(settings.projectID).toBe(project);
  });

  it('matches Secret fields case-insensitively (projectId as well as projectID)', () => {
    const { settings } = resolve({
      secret: {
        path: 's',
        fields: { apikey: token, projectId: project, LoadBalancer: 'kube-vip://' },
      },
    });
    expect(settings.projectID).toBe(project);
    expect(settings.loadBalancer).toEqual({ kind: 'kube-vip' });
  });

  it('accepts both names of the peer-ASN annotation option', () => {
    expect(
      resolve({ secret: secret({}), env: { METAL_ANNOTATION_PEER_ASN: 'x.io/peer' } }).settings
        .annotations.peerASNs,
    ).toBe('x.io/peer');
    expect(
      resolve({ secret: secret({}), env: { METAL_ANNOTATION_PEER_ASNS: 'y.io/peers' } }).settings
        .annotations.peerASNs,
    ).toBe('y.io/peers');
    expect(
      resolve({ secret: secret({ annotationPeerASN: 'z.io/p' }) }).settings.annotations.peerASNs,
    ).toBe('z.io/p');
  });

  it('reads the later upstream options: metro, EIP annotations, host-IP health checks', () => {
    const { settings } = resolve({
      secret: secret({}),
      env: {
        METAL_METRO_NAME: 'SV',
        METAL_ANNOTATION_EIP_METRO: 'a.io/metro',
        METAL_ANNOTATION_EIP_FACILITY: 'a.io/facility',
        METAL_EIP_HEALTH_CHECK_USE_HOST_IP: 'true',
      },
    });
    expect(settings.metro).toBe('sv');
    expect(settings.annotations.eipMetro).toBe('a.io/metro');
    expect(settings.annotations.eipFacility).toBe('a.io/facility');
    expect(settings.eipHealthCheckUseHostIP).toBe(true);
  });

  it('lets an empty METAL_EIP_TAG turn off a tag set in the Secret', () => {
    expect(
      resolve({ secret: secret({ eipTag: 'cp' }), env: { METAL_EIP_TAG: '' } }).settings.eipTag,
    ).toBe('');
  });

  it('treats an empty numeric variable as unset', () => {
    expect(
      resolve({ secret: secret({ localASN: 65100 }), env: { METAL_LOCAL_ASN: '' } }).settings
        .localASN,
    ).toBe(65100);
  });

  it('parses durations and selectors', () => {
    const { settings } = resolve({
      secret: secret({ syncPeriod: '1m30s', bgpNodeSelector: 'bgp=on,tier in (a,b)' }),
    });
    expect(settings.syncPeriodMs).toBe(90_000);
    expect(settings.bgpNodeSelector.requirements).toHaveLength(2);
  });

  it('bounds Metal requests at 30s and an observation at the sync period, unless set in range', () => {
    const defaults = resolve({ secret: secret({ syncPeriod: '45s' }) }).settings;
    expect(defaults.metalRequestTimeoutMs).toBe(30_000);
    expect(defaults.metalObservationTimeoutMs).toBe(45_000);
    const set = resolve({
      secret: secret({}),
      flags: { 'metal-request-timeout': '10s', 'metal-observation-timeout': '2m' },
    }).settings;
    expect([set.metalRequestTimeoutMs, set.metalObservationTimeoutMs]).toEqual([10_000, 120_000]);
    expect(
      errorsOf({
        secret: secret({}),
        env: { METAL_REQUEST_TIMEOUT: '10m', METAL_OBSERVATION_TIMEOUT: '500ms' },
      }),
    ).toEqual([
      'metalRequestTimeout (from environment variable METAL_REQUEST_TIMEOUT): expected a duration from 1s to 5m such as `30s`; got "10m" (longer than 5m)',
      'metalObservationTimeout (from environment variable METAL_OBSERVATION_TIMEOUT): expected a duration from 1s to 24h such as `1m`; got "500ms" (shorter than 1s)',
    ]);
  });

  it('warns about Secret fields that are not options, naming only the field', () => {
    const { warnings } = resolve({ secret: secret({ colour: 'blue' }) });
    expect(warnings).toEqual([
      'field "colour" of the config Secret /etc/metal/cloud-sa.json is not an option; ignored',
    ]);
  });
});

describe('resolveConfig errors', () => {
  it('names a missing token and project and where to set them', () => {
    expect(errorsOf({})).toEqual([
      'apiKey is not set: set environment variable METAL_API_KEY, or field "apiKey" of the config Secret (--provider-config)',
      'projectID is not set: set environment variable METAL_PROJECT_ID, or field "projectID" of the config Secret (--provider-config)',
    ]);
  });

  it.each([
    [
      'METAL_LOCAL_ASN',
      'abc',
      'localASN (from environment variable METAL_LOCAL_ASN): expected an ASN, a whole number from 1 to 4294967295; got "abc"',
    ],
    [
      'METAL_LOCAL_ASN',
      '4294967296',
      'localASN (from environment variable METAL_LOCAL_ASN): expected an ASN',
    ],
    [
      'METAL_LOAD_BALANCER',
      'haproxy://',
      'loadBalancer (from environment variable METAL_LOAD_BALANCER): expected "kube-vip://", "empty://"',
    ],
    [
      'METAL_BASE_URL',
      'ftp://x',
      'baseURL (from environment variable METAL_BASE_URL): expected an http(s) URL; got "ftp://x"',
    ],
    [
      'METAL_BGP_NODE_SELECTOR',
      'a=b,,c',
      'bgpNodeSelector (from environment variable METAL_BGP_NODE_SELECTOR): expected a label selector',
    ],
    [
      'METAL_BGP_NODE_SELECTOR',
      'a in b',
      'bgpNodeSelector (from environment variable METAL_BGP_NODE_SELECTOR): expected a label selector',
    ],
    [
      'METAL_API_SERVER_PORT',
      '70000',
      'apiServerPort (from environment variable METAL_API_SERVER_PORT): expected a port',
    ],
    [
      'METAL_EIP_HEALTH_CHECK_USE_HOST_IP',
      'maybe',
      'eipHealthCheckUseHostIP (from environment variable METAL_EIP_HEALTH_CHECK_USE_HOST_IP): expected `true` or `false`; got "maybe"',
    ],
    [
      'METAL_SYNC_PERIOD',
      '10x',
      'syncPeriod (from environment variable METAL_SYNC_PERIOD): expected a duration',
    ],
    [
      'METAL_PROJECT_ID',
      'my-project',
      'projectID (from environment variable METAL_PROJECT_ID): expected a project UUID; got "my-project"',
    ],
    [
      'METAL_ANNOTATION_SRC_IP',
      'not valid!',
      'annotationSrcIP (from environment variable METAL_ANNOTATION_SRC_IP): expected an annotation name',
    ],
    [
      'METAL_METRO_NAME',
      'da 1',
      'metro (from environment variable METAL_METRO_NAME): expected a metro code',
    ],
  ])('rejects %s=%j with one clear line', (name, value, message) => {
    const errors = errorsOf({ secret: secret({}), env: { [name]: value } });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(message);
  });

  it('names the Secret field a bad value came from', () => {
    expect(errorsOf({ secret: secret({ localASN: 'sixty-five' }) })[0]).toContain(
      'localASN (from field "localASN" of the config Secret /etc/metal/cloud-sa.json)',
    );
  });

  it('names the flag a bad value came from', () => {
    expect(errorsOf({ secret: secret({}), flags: { 'local-asn': '-1' } })[0]).toContain(
      'localASN (from flag --local-asn)',
    );
  });

  it('never repeats a secret value in an error', () => {
    const errors = errorsOf({ secret: secret({ bgpPass: 'short' }), env: { METAL_API_KEY: '' } });
    expect(errors.join('\n')).toContain('bgpPass (from field "bgpPass"');
    expect(errors.join('\n')).not.toContain('short');
  });

  it('reports every bad option at once', () => {
    expect(
      errorsOf({ secret: secret({}), env: { METAL_LOCAL_ASN: 'x', METAL_API_SERVER_PORT: 'y' } }),
    ).toHaveLength(2);
  });
});
