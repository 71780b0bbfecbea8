import type { BgpNeighbor, Device } from '../../model/metal.ts';
import {
  fromTemplate,
  isPerPeerAnnotation,
  isTemplate,
  perPeerAnnotation,
  templatePattern,
  type PerPeerField,
} from '../../model/marks/node.ts';
import { byAddress } from '../../model/order.ts';
import type { AnnotationNames } from '../../model/settings.ts';
import { annotationPointer } from './node-annotations.ts';

/**
 * The configured annotation names sorted out once per settings (the planner asks for every Node on
 * every loop): those of the README's form, upstream's per-peer templates (`{{n}}`), and a test for
 * every name the BGP planner writes, so it can take back what it no longer wants.
 */
interface NameForms {
  readonly fixed: ReadonlySet<string>;
  readonly templated: boolean;
  readonly owned: (name: string) => boolean;
  readonly sensitive: (name: string) => boolean;
}

const forms = new WeakMap<AnnotationNames, NameForms>();

function formsOf(names: AnnotationNames): NameForms {
  const known = forms.get(names);
  if (known !== undefined) return known;
  const configured = [
    names.localASN,
    names.peerASNs,
    names.peerIPs,
    names.srcIP,
    names.bgpPass,
    names.networkIPv4Private,
  ];
  const fixed = new Set(configured.filter((n) => !isTemplate(n)));
  const patterns = configured.filter(isTemplate).map(templatePattern);
  const password = isTemplate(names.bgpPass) ? templatePattern(names.bgpPass) : undefined;
  const made: NameForms = {
    fixed,
    templated: patterns.length > 0,
    owned: (name) =>
      fixed.has(name) || isPerPeerAnnotation(name) || patterns.some((p) => p.test(name)),
    sensitive: (name) =>
      name === names.bgpPass || name.endsWith('-bgp-pass') || password?.test(name) === true,
  };
  forms.set(names, made);
  return made;
}

/** Every annotation name the BGP planner writes. */
export const ownedAnnotation = (names: AnnotationNames): ((name: string) => boolean) =>
  formsOf(names).owned;

/** Wherever a secret goes: the README-form password and every per-peer one. */
export function sensitivePaths(
  annotations: Readonly<Record<string, string>>,
  names: AnnotationNames,
): string[] {
  return Object.keys(annotations).filter(formsOf(names).sensitive).map(annotationPointer);
}

/** The CIDR of the project's private network the device is part of. */
function privateNetwork(device: Device): string | undefined {
  const own = device.addresses.find(
    (a) => a.family === 4 && !a.public && a.management && a.parentBlock !== undefined,
  );
  return own?.parentBlock === undefined
    ? undefined
    : `${own.parentBlock.network}/${String(own.parentBlock.cidr)}`;
}

/** The password as the annotations carry it (base64); the last one is kept: it is the project's. */
let lastEncoded: { readonly password: string; readonly encoded: string } | undefined;
function encoded(password: string): string {
  if (lastEncoded?.password !== password)
    lastEncoded = { password, encoded: Buffer.from(password).toString('base64') };
  return lastEncoded.encoded;
}

/** The distinct values, sorted as addresses. */
const distinct = (values: readonly string[]): string[] =>
  (values.length < 2 ? [...values] : [...new Set(values)]).sort(byAddress);

/** The per-peer annotation names of peer `n`, made once (two peers on every Node). */
const perPeerNames: Record<PerPeerField, string>[] = [];
function perPeer(n: number): Record<PerPeerField, string> {
  return (perPeerNames[n] ??= {
    'node-asn': perPeerAnnotation(n, 'node-asn'),
    'peer-asn': perPeerAnnotation(n, 'peer-asn'),
    'peer-ip': perPeerAnnotation(n, 'peer-ip'),
    'src-ip': perPeerAnnotation(n, 'src-ip'),
    'peer-multi-hop': perPeerAnnotation(n, 'peer-multi-hop'),
    'bgp-pass': perPeerAnnotation(n, 'bgp-pass'),
  });
}

/** Upstream's per-peer form of the configured names (`{{n}}` templates), for peer `n`. */
function templated(
  out: Record<string, string>,
  n: number,
  values: readonly [string, string | undefined][],
): void {
  for (const [template, value] of values)
    if (isTemplate(template) && value !== undefined) out[fromTemplate(template, n)] = value;
}

/** The BGP facts of a device as node annotations, in the README's form and the per-peer form. */
export function bgpAnnotations(
  device: Device,
  neighbors: readonly BgpNeighbor[],
  names: AnnotationNames,
): Record<string, string> {
  const [first] = neighbors;
  if (first === undefined) return {};
  const { fixed, templated: anyTemplate } = formsOf(names);
  const peers = distinct(neighbors.flatMap((n) => n.peerIps));
  const password = first.md5Password?.reveal();
  const pass = password === undefined ? undefined : encoded(password);
  const out: Record<string, string> = {};
  const readme: [string, string | undefined][] = [
    [names.localASN, String(first.customerAs)],
    [names.peerASNs, distinct(neighbors.map((n) => String(n.peerAs))).join(',')],
    [names.peerIPs, peers.join(',')],
    [names.srcIP, first.customerIp],
    [names.bgpPass, pass],
    [names.networkIPv4Private, privateNetwork(device)],
  ];
  for (const [name, value] of readme) if (value !== undefined && fixed.has(name)) out[name] = value;
  peers.forEach((ip, n) => {
    const neighbor =
      neighbors.length === 1 ? first : (neighbors.find((x) => x.peerIps.includes(ip)) ?? first);
    if (anyTemplate)
      templated(out, n, [
        [names.localASN, String(neighbor.customerAs)],
        [names.peerASNs, String(neighbor.peerAs)],
        [names.peerIPs, ip],
        [names.srcIP, neighbor.customerIp],
        [names.bgpPass, pass],
      ]);
    const key = perPeer(n);
    out[key['node-asn']] = String(neighbor.customerAs);
    out[key['peer-asn']] = String(neighbor.peerAs);
    out[key['peer-ip']] = ip;
    out[key['src-ip']] = neighbor.customerIp;
    out[key['peer-multi-hop']] = String(neighbor.multihop);
    if (pass !== undefined) out[key['bgp-pass']] = pass;
  });
  return out;
}
