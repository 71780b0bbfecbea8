import type { LoadBalancer } from '../../../model/settings.ts';

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const loadBalancerForms =
  '"kube-vip://", "empty://", "metallb:///<namespace>/<configmap>" or "metallb:///<namespace>?crdConfiguration=true" (or empty for none)';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** Parses the `loadbalancer` setting: `<type>://[/<detail>]`, as the upstream CCM reads it. */
export function parseLoadBalancer(source: string): Parsed<LoadBalancer> {
  const text = source.trim();
  if (text === '') return { ok: true, value: { kind: 'none' } };
  const scheme = /^([a-z-]+):\/\//.exec(text)?.[1];
  if (scheme === 'kube-vip' || scheme === 'empty') {
    const rest = text.slice(scheme.length + 3);
    return rest === '' || rest === '/'
      ? { ok: true, value: { kind: scheme } }
      : { ok: false, error: `"${scheme}://" takes no detail, got "${rest}"` };
  }
  if (scheme === 'metallb') return parseMetalLB(text);
  if (scheme === 'emlb') {
    return {
      ok: false,
      error:
        'the Equinix Metal Load Balancer ("emlb://") is not supported by this CCM; use kube-vip://, metallb:///… or empty:// (Elastic IPs announced over BGP)',
    };
  }
  return { ok: false, error: `unknown load balancer "${text}"` };
}

function parseMetalLB(text: string): Parsed<LoadBalancer> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, error: `"${text}" is not a valid metallb URL` };
  }
  if (url.host !== '') {
    return {
      ok: false,
      error: `"${text}" has a host; write three slashes: metallb:///<namespace>/…`,
    };
  }
  const [namespace = '', name = '', ...extra] = url.pathname.replace(/^\//, '').split('/');
  if (extra.length > 0) return { ok: false, error: `"${text}" has too many path segments` };
  const ns = namespace === '' ? 'metallb-system' : namespace;
  if (!dns1123Label.test(ns)) return { ok: false, error: `"${ns}" is not a valid namespace name` };
  const crd = url.searchParams.get('crdConfiguration');
  const unknown = [...url.searchParams.keys()].filter((k) => k !== 'crdConfiguration');
  if (unknown.length > 0)
    return { ok: false, error: `unknown parameter "${unknown.join('", "')}"` };
  if (crd !== null && crd !== 'true' && crd !== 'false') {
    return { ok: false, error: `crdConfiguration must be true or false, got "${crd}"` };
  }
  if (crd === 'true') {
    return name === ''
      ? { ok: true, value: { kind: 'metallb-crds', namespace: ns } }
      : {
          ok: false,
          error: 'with crdConfiguration=true, name only the namespace: metallb:///<namespace>',
        };
  }
  const cm = name === '' ? 'config' : name;
  if (!dns1123Subdomain.test(cm))
    return { ok: false, error: `"${cm}" is not a valid ConfigMap name` };
  return { ok: true, value: { kind: 'metallb-configmap', namespace: ns, name: cm } };
}
