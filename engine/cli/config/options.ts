import type { LoadBalancer } from '../../../model/settings.ts';
import type { Sensitive } from '../../../model/sensitive.ts';
import { nodeMarks } from '../../../model/marks/node.ts';
import { serviceMarks } from '../../../model/marks/service.ts';
import { loadBalancerForms, parseLoadBalancer } from './load-balancer.ts';
import { annotationOption, option, type OptionSpec } from './option-spec.ts';
import { metalIoOptions } from './metal-io-options.ts';
import * as parse from './parsers.ts';

export type { OptionSpec } from './option-spec.ts';

export const options = {
  apiKey: option({
    description: 'Equinix Metal API token',
    env: ['METAL_API_KEY'],
    secret: ['apiKey'],
    required: true,
    sensitive: true,
    defaultText: 'error',
    expected: 'a non-empty API token',
    parse: parse.secret,
  }),
  apiKeyFile: option<string | undefined>({
    description:
      'File holding the Equinix Metal API token (a mounted Secret), instead of apiKey: read again at every Metal call, so a rotated key is used without a restart',
    flag: 'api-key-file',
    env: ['METAL_API_KEY_FILE'],
    secret: ['apiKeyFile'],
    defaultText: 'none',
    expected: 'a file path',
    parse: parse.filePath,
  }),
  projectID: option({
    description: 'Equinix Metal project ID',
    env: ['METAL_PROJECT_ID'],
    secret: ['projectID'],
    required: true,
    defaultText: 'error',
    expected: 'a project UUID',
    parse: parse.projectId,
  }),
  facility: option<string | undefined>({
    description: 'Facility for Elastic IPs (deprecated by Metal; prefer metro)',
    flag: 'facility',
    env: ['METAL_FACILITY_NAME'],
    secret: ['facility'],
    defaultText: 'none (a Service that needs a location: the host’s metadata, else it waits)',
    expected: 'a facility code such as `da11`',
    parse: parse.locationCode,
  }),
  metro: option<string | undefined>({
    description: 'Metro for Elastic IPs',
    flag: 'metro',
    env: ['METAL_METRO_NAME'],
    secret: ['metro'],
    defaultText: 'none (a Service that needs a location: the host’s metadata, else it waits)',
    expected: 'a metro code such as `da`',
    parse: parse.locationCode,
  }),
  metadataURL: option({
    description:
      'URL of the metadata document of the host, read (2 s timeout) only when a Service needs a location and neither metro nor facility is set',
    flag: 'metadata-url',
    env: ['METAL_METADATA_URL'],
    secret: ['metadataURL'],
    default: 'https://metadata.platformequinix.com/metadata',
    defaultText: '`https://metadata.platformequinix.com/metadata`',
    expected: 'an http(s) URL',
    parse: parse.httpUrl,
  }),
  baseURL: option({
    description: 'Base URL of the Equinix Metal API',
    flag: 'base-url',
    env: ['METAL_BASE_URL'],
    secret: ['base-url', 'baseURL'],
    default: 'https://api.equinix.com/metal/v1',
    defaultText: '`https://api.equinix.com/metal/v1`',
    expected: 'an http(s) URL',
    parse: parse.httpUrl,
  }),
  loadBalancer: option<LoadBalancer>({
    description: 'Load balancer that receives the Elastic IPs of LoadBalancer Services',
    flag: 'load-balancer',
    env: ['METAL_LOAD_BALANCER'],
    secret: ['loadbalancer'],
    default: { kind: 'none' },
    defaultText: 'none',
    expected: loadBalancerForms,
    parse: (raw) =>
      typeof raw === 'string' ? parseLoadBalancer(raw) : { ok: false, error: 'not a string' },
  }),
  loadBalancerClass: option<string | undefined>({
    description:
      'The spec.loadBalancerClass of the Services this CCM serves, besides those without a class',
    flag: 'load-balancer-class',
    env: ['METAL_LOAD_BALANCER_CLASS'],
    secret: ['loadBalancerClass'],
    defaultText: 'none (only Services without a class)',
    expected: 'a class name such as `example.com/metal`',
    parse: parse.annotationName,
  }),
  eipLimit: option({
    description:
      'Most Service Elastic IPs to announce (Equinix limits the prefixes a BGP session accepts); 0 turns the guard off',
    flag: 'eip-limit',
    env: ['METAL_EIP_LIMIT'],
    secret: ['eipLimit'],
    default: 10,
    defaultText: '`10`',
    expected: 'a whole number, 0 for no limit',
    parse: parse.count,
  }),
  localASN: option({
    description: 'BGP ASN of the cluster nodes, used when enabling BGP on the project',
    flag: 'local-asn',
    env: ['METAL_LOCAL_ASN'],
    secret: ['localASN'],
    default: 65000,
    defaultText: '`65000`',
    expected: 'an ASN, a whole number from 1 to 4294967295',
    parse: parse.asn,
  }),
  bgpPass: option<Sensitive | undefined>({
    description: 'BGP MD5 password, used when enabling BGP on the project',
    env: ['METAL_BGP_PASS'],
    secret: ['bgpPass'],
    sensitive: true,
    defaultText: 'none',
    expected:
      '10 to 20 letters and digits with a lower-case letter, an upper-case letter and a digit',
    parse: parse.bgpPassword,
  }),
  bgpPassFile: option<string | undefined>({
    description:
      'File holding the BGP MD5 password, instead of bgpPass: read again whenever BGP is enabled on the project',
    flag: 'bgp-pass-file',
    env: ['METAL_BGP_PASS_FILE'],
    secret: ['bgpPassFile'],
    defaultText: 'none',
    expected: 'a file path',
    parse: parse.filePath,
  }),
  annotationLocalASN: annotationOption(
    "Node annotation for the node's BGP ASN",
    'LOCAL_ASN',
    'LocalASN',
    nodeMarks.localAsn.key,
    { template: true },
  ),
  annotationPeerASNs: annotationOption(
    "Node annotation for the BGP peers' ASNs",
    'PEER_ASNS',
    'PeerASNs',
    nodeMarks.peerAsns.key,
    { env: ['PEER_ASN'], secret: ['PeerASN'], template: true },
  ),
  annotationPeerIPs: annotationOption(
    "Node annotation for the BGP peers' IPs",
    'PEER_IPS',
    'PeerIPs',
    nodeMarks.peerIps.key,
    { env: ['PEER_IP'], secret: ['PeerIP'], template: true },
  ),
  annotationSrcIP: annotationOption(
    'Node annotation for the source IP of BGP peering',
    'SRC_IP',
    'SrcIP',
    nodeMarks.srcIp.key,
    { template: true },
  ),
  annotationBGPPass: annotationOption(
    'Node annotation for the BGP MD5 password, base64-encoded',
    'BGP_PASS',
    'BGPPass',
    nodeMarks.bgpPass.key,
    { template: true },
  ),
  annotationNetworkIPv4Private: annotationOption(
    "Node annotation for the CIDR of the node's private IPv4 network",
    'NETWORK_IPV4_PRIVATE',
    'NetworkIPv4Private',
    nodeMarks.networkIPv4Private.key,
  ),
  annotationEIPMetro: annotationOption(
    'Service annotation naming the metro of its Elastic IP',
    'EIP_METRO',
    'EIPMetro',
    serviceMarks.eipMetro.key,
  ),
  annotationEIPFacility: annotationOption(
    'Service annotation naming the facility of its Elastic IP',
    'EIP_FACILITY',
    'EIPFacility',
    serviceMarks.eipFacility.key,
  ),
  eipTag: option({
    description: 'Tag of the control-plane Elastic IP; empty turns the feature off',
    flag: 'eip-tag',
    env: ['METAL_EIP_TAG'],
    secret: ['eipTag'],
    default: '',
    defaultText: 'empty (no control-plane Elastic IP)',
    expected: 'a tag',
    emptyIsValue: true,
    parse: parse.text,
  }),
  apiServerPort: option({
    description: 'Port of the control-plane Elastic IP; 0 means the kube-apiserver port',
    flag: 'api-server-port',
    env: ['METAL_API_SERVER_PORT'],
    secret: ['apiServerPort'],
    default: 0,
    defaultText: '`0` (the `targetPort` of `default/kubernetes`)',
    expected: 'a port, a whole number from 0 to 65535',
    parse: parse.port,
  }),
  bgpNodeSelector: option({
    description: 'Label selector of the nodes on which BGP is enabled',
    flag: 'bgp-node-selector',
    env: ['METAL_BGP_NODE_SELECTOR'],
    secret: ['bgpNodeSelector'],
    default: { source: '', requirements: [] },
    defaultText: 'all nodes',
    expected: 'a label selector such as `key1=value1,key2 in (a,b)`',
    emptyIsValue: true,
    parse: parse.labelSelector,
  }),
  eipHealthCheckUseHostIP: option({
    description:
      'Judge the control-plane Elastic IP by probing the node that holds it instead of the EIP',
    flag: 'eip-health-check-use-host-ip',
    env: ['METAL_EIP_HEALTH_CHECK_USE_HOST_IP'],
    secret: ['eipHealthCheckUseHostIP'],
    default: false,
    defaultText: '`false`',
    expected: '`true` or `false`',
    parse: parse.bool,
  }),
  eipHealthCheckInterval: option({
    description:
      'How often the control-plane Elastic IP and the control-plane nodes are probed on `/healthz`',
    flag: 'eip-health-check-interval',
    env: ['METAL_EIP_HEALTH_CHECK_INTERVAL'],
    secret: ['eipHealthCheckInterval'],
    default: 5000,
    defaultText: '`5s`',
    expected: 'a duration from 100ms to 1h such as `5s` or `500ms`',
    parse: parse.durationBetween(100, 3_600_000),
  }),
  eipHealthCheckFailures: option({
    description:
      'Consecutive failed probes of the control-plane Elastic IP before it is moved to a healthy node',
    flag: 'eip-health-check-failures',
    env: ['METAL_EIP_HEALTH_CHECK_FAILURES'],
    secret: ['eipHealthCheckFailures'],
    default: 3,
    defaultText: '`3`',
    expected: 'a whole number of at least 1',
    parse: parse.atLeastOne,
  }),
  syncPeriod: option({
    description: 'Period of the full resync',
    flag: 'sync-period',
    env: ['METAL_SYNC_PERIOD'],
    secret: ['syncPeriod'],
    default: 30_000,
    defaultText: '`30s`',
    expected: 'a duration from 1s to 24h such as `30s` or `1m30s`',
    parse: parse.durationBetween(1000, 86_400_000),
  }),
  ...metalIoOptions,
} as const;

export type Options = typeof options;
export type OptionName = keyof Options;
export type OptionValue<K extends OptionName> = Options[K] extends OptionSpec<infer T> ? T : never;
