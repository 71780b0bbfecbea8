import { afterEach, describe, expect, it } from 'vitest';
import { ResilientCache } from '../../providers/kubernetes/cache.ts';
import { KubernetesObserver } from '../../providers/kubernetes/observe.ts';
import { resourcePath, resources } from '../../providers/kubernetes/resources.ts';
import { admin, asCcm, eventually, forceDelete, kube, unique } from '../support/integration.ts';
import { createLoadBalancerService } from '../support/kube-rest.ts';

let observer: KubernetesObserver | undefined;
afterEach(async () => {
  await observer?.stop();
  observer = undefined;
});

const node = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { test: 'caches' } },
});

async function observe(
  loadBalancer: ConstructorParameters<typeof KubernetesObserver>[1]['loadBalancer'] = {
    kind: 'none',
  },
) {
  let changes = 0;
  observer = new KubernetesObserver(asCcm(), {
    loadBalancer,
    onChange: () => {
      changes++;
    },
    watchTimeoutSeconds: 5,
  });
  await observer.start();
  await observer.whenSynced();
  return { observer, changes: () => changes };
}

describe('Kubernetes caches on a real API server', () => {
  it('see Nodes, Services and the EndpointSlices of default/kubernetes come, change and go', async () => {
    const { observer: o, changes } = await observe();
    expect(o.state().clusterId).toMatch(/^[0-9a-f-]{36}$/);
    const api = admin();
    const name = unique('cache-node');
    await api.request({ method: 'POST', path: resourcePath(resources.Node), body: node(name) });
    await eventually(
      () => o.state().nodes.some((n) => n.metadata?.name === name),
      5000,
      'the new Node',
    );
    await api.request({
      method: 'PATCH',
      path: resourcePath(resources.Node, { name }),
      body: { metadata: { labels: { changed: 'yes' } } },
      contentType: 'application/merge-patch+json',
    });
    await eventually(
      () =>
        o.state().nodes.find((n) => n.metadata?.name === name)?.metadata?.labels?.['changed'] ===
        'yes',
      5000,
      'the label',
    );
    await api.request({ method: 'DELETE', path: resourcePath(resources.Node, { name }) });
    await eventually(
      () => !o.state().nodes.some((n) => n.metadata?.name === name),
      5000,
      'the Node gone',
    );

    const service = unique('svc');
    await createLoadBalancerService(api, service);
    await eventually(
      () => o.state().services.some((s) => s.metadata?.name === service),
      5000,
      'the Service',
    );
    await api.request({
      method: 'DELETE',
      path: resourcePath(resources.Service, { namespace: 'default', name: service }),
    });
    await eventually(
      () => !o.state().services.some((s) => s.metadata?.name === service),
      5000,
      'the Service gone',
    );

    const slice = unique('kubernetes');
    const slicePath = resourcePath(resources.EndpointSlice, { namespace: 'default' });
    await api.request({
      method: 'POST',
      path: slicePath,
      body: {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: slice, labels: { 'kubernetes.io/service-name': 'kubernetes' } },
        addressType: 'IPv4',
        endpoints: [{ addresses: ['10.0.0.1'] }],
        ports: [{ name: 'https', port: 6443, protocol: 'TCP' }],
      },
    });
    // Another Service's slice is not watched.
    await api.request({
      method: 'POST',
      path: slicePath,
      body: {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: unique('other'), labels: { 'kubernetes.io/service-name': 'other' } },
        addressType: 'IPv4',
        endpoints: [],
      },
    });
    await eventually(
      () => o.state().kubernetesEndpointSlices.some((s) => s.metadata?.name === slice),
      5000,
      'the slice',
    );
    expect(
      o
        .state()
        .kubernetesEndpointSlices.every(
          (s) => s.metadata?.labels?.['kubernetes.io/service-name'] === 'kubernetes',
        ),
    ).toBe(true);
    await api.request({
      method: 'DELETE',
      path: resourcePath(resources.EndpointSlice, { namespace: 'default', name: slice }),
    });
    await eventually(
      () => !o.state().kubernetesEndpointSlices.some((s) => s.metadata?.name === slice),
      5000,
      'the slice gone',
    );
    expect(changes()).toBeGreaterThan(0);
  });

  it('see the MetalLB ConfigMap, and MetalLB CRs, when configured', async () => {
    const api = admin();
    // MetalLB's usual ConfigMap (the only one the CCM may read) as no other suite left it.
    await forceDelete(
      resourcePath(resources.ConfigMap, { namespace: 'metallb-system', name: 'config' }),
    );
    const { observer: o } = await observe({
      kind: 'metallb-configmap',
      namespace: 'metallb-system',
      name: 'config',
    });
    expect(o.state().metallb).toEqual({});
    await api.request({
      method: 'POST',
      path: resourcePath(resources.ConfigMap, { namespace: 'metallb-system' }),
      body: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'config' },
        data: { config: 'peers: []\n' },
      },
    });
    await eventually(
      () => o.state().metallb?.configMap?.data?.['config'] === 'peers: []\n',
      5000,
      'the ConfigMap',
    );
    await api.request({
      method: 'DELETE',
      path: resourcePath(resources.ConfigMap, { namespace: 'metallb-system', name: 'config' }),
    });
    await eventually(() => o.state().metallb?.configMap === undefined, 5000, 'the ConfigMap gone');
    await o.stop();

    const crs = await observe({ kind: 'metallb-crds', namespace: 'metallb-system' });
    const pool = unique('pool');
    await api.request({
      method: 'POST',
      path: resourcePath(resources.IPAddressPool, { namespace: 'metallb-system' }),
      body: {
        apiVersion: 'metallb.io/v1beta1',
        kind: 'IPAddressPool',
        metadata: { name: pool },
        spec: { addresses: ['198.51.100.16/32'], autoAssign: false },
      },
    });
    await eventually(
      () => crs.observer.state().metallb?.ipAddressPools?.some((p) => p.metadata?.name === pool),
      5000,
      'the pool',
    );
    await api.request({
      method: 'DELETE',
      path: resourcePath(resources.IPAddressPool, { namespace: 'metallb-system', name: pool }),
    });
    await eventually(
      () => crs.observer.state().metallb?.ipAddressPools?.length === 0,
      5000,
      'the pool gone',
    );
  });

  it('treat a resource the API server does not serve (a CRD not installed) as missing, and stay synced', async () => {
    // As admin: the CCM's RBAC would answer 403 for a group it was never granted, before any 404.
    const cache = new ResilientCache(admin(), {
      resource: {
        apiVersion: 'example.com/v1',
        kind: 'Missing',
        plural: 'missings',
        namespaced: true,
      },
      namespace: 'metallb-system',
      optional: true,
    });
    cache.start();
    await cache.whenSynced();
    expect(cache.synced).toBe(true);
    expect(cache.missing).toBe(true);
    expect(cache.list()).toEqual([]);
    await cache.stop();
  });

  it('keep an object that did not change, and the list, as the same objects across a relist', async () => {
    const api = admin();
    const [first, second] = [unique('kept-node'), unique('kept-node')];
    for (const name of [first, second])
      await api.request({ method: 'POST', path: resourcePath(resources.Node), body: node(name) });
    let lists = 0;
    const cache = new ResilientCache<{
      metadata?: { name?: string; labels?: Record<string, string> };
    }>(admin(), {
      resource: resources.Node,
      labelSelector: 'test=caches',
      relistEveryMs: 200,
      watchTimeoutSeconds: 1,
      onEvent: (event) => {
        if (event === 'listed') lists++;
      },
    });
    try {
      cache.start();
      await cache.whenSynced();
      const before = cache.list();
      expect(before.map((n) => n.metadata?.name)).toEqual(expect.arrayContaining([first, second]));
      const listed = lists;
      await eventually(() => lists > listed, 10_000, 'a relist');
      // Planners keep what they derived from the same objects: a relist of nothing new changes none.
      expect(cache.list()).toBe(before);
      const named = (name: string) => cache.list().find((n) => n.metadata?.name === name);
      const unchanged = named(second);
      await api.request({
        method: 'PATCH',
        path: resourcePath(resources.Node, { name: first }),
        body: { metadata: { labels: { changed: 'yes' } } },
        contentType: 'application/merge-patch+json',
      });
      await eventually(
        () => named(first)?.metadata?.labels?.['changed'] === 'yes',
        5000,
        'the changed Node',
      );
      expect(cache.list()).not.toBe(before);
      expect(named(second)).toBe(unchanged);
    } finally {
      await cache.stop();
      for (const name of [first, second])
        await api.request({ method: 'DELETE', path: resourcePath(resources.Node, { name }) });
    }
  });

  it('keep up across a kube-apiserver restart: a change made after it reaches the cache', async () => {
    const { observer: o } = await observe();
    const restarted = await fetch(`${kube().controlUrl}/restart-apiserver`, { method: 'POST' });
    expect(restarted.status).toBe(204);
    const name = unique('after-restart');
    await admin().request({ method: 'POST', path: resourcePath(resources.Node), body: node(name) });
    await eventually(
      () => o.state().nodes.some((n) => n.metadata?.name === name),
      10_000,
      'the Node created after the restart',
    );
    await admin().request({ method: 'DELETE', path: resourcePath(resources.Node, { name }) });
  });
});
