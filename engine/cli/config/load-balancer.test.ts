import { describe, expect, it } from 'vitest';
import { parseLoadBalancer } from './load-balancer.ts';

describe('parseLoadBalancer', () => {
  it.each([
    ['', { kind: 'none' }],
    ['kube-vip://', { kind: 'kube-vip' }],
    ['empty://', { kind: 'empty' }],
    ['metallb://', { kind: 'metallb-configmap', namespace: 'metallb-system', name: 'config' }],
    ['metallb:///', { kind: 'metallb-configmap', namespace: 'metallb-system', name: 'config' }],
    ['metallb:///foo/bar', { kind: 'metallb-configmap', namespace: 'foo', name: 'bar' }],
    ['metallb:///foo', { kind: 'metallb-configmap', namespace: 'foo', name: 'config' }],
    [
      'metallb:///metallb-system?crdConfiguration=true',
      { kind: 'metallb-crds', namespace: 'metallb-system' },
    ],
    ['metallb:///?crdConfiguration=true', { kind: 'metallb-crds', namespace: 'metallb-system' }],
  ])('reads %j', (text, expected) => {
    expect(parseLoadBalancer(text)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['haproxy://', /unknown load balancer/],
    ['emlb:///da', /not supported/],
    ['metallb://host/ns/name', /three slashes/],
    ['metallb:///a/b/c', /too many path segments/],
    ['metallb:///Bad_NS/cm', /not a valid namespace/],
    ['metallb:///ns?crdConfiguration=yes', /true or false/],
    ['metallb:///ns?colour=blue', /unknown parameter "colour"/],
    ['metallb:///ns/cm?crdConfiguration=true', /only the namespace/],
    ['kube-vip://detail', /takes no detail/],
  ])('rejects %j', (text, message) => {
    const result = parseLoadBalancer(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });
});
