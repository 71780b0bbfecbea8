import { afterAll, describe, expect, it } from 'vitest';
import type { KubernetesObject } from '../../model/kubernetes.ts';
import type { Action } from '../../model/plan.ts';
import type { ActionId } from '../../model/ids.ts';
import { mirrorService } from '../../model/marks/control-plane.ts';
import { passwordSecretName } from '../../model/marks/metallb.ts';
import { EventRecorder } from '../../providers/kubernetes/events.ts';
import { kubernetesExecutors } from '../../providers/kubernetes/executor.ts';
import { LeaderElector } from '../../providers/kubernetes/leader.ts';
import { KubernetesObserver } from '../../providers/kubernetes/observe.ts';
import { resourcePath, resources } from '../../providers/kubernetes/resources.ts';
import { Reviews } from '../../providers/kubernetes/reviews.ts';
import { createLoadBalancerService } from '../support/kube-rest.ts';
import { admin, asCcm, eventually, forceDelete, unique } from '../support/integration.ts';

let n = 0;
function patchAction(
  object: { apiVersion: string; kind: string; namespace?: string; name: string },
  path: string,
  value: unknown,
  subresource?: 'status',
): Action {
  n++;
  return {
    id: `rbac-${String(n)}` as ActionId,
    kind: 'kubernetes.patch',
    area: 'nodes',
    operation: 'update',
    target: object.name,
    reason: 'rbac check',
    event: 'Check',
    changes: [],
    dependsOn: [],
    object,
    patch: [{ op: 'add', path, value }],
    ...(subresource === undefined ? {} : { subresource }),
  };
}
function otherAction(
  kind: 'kubernetes.create' | 'kubernetes.delete' | 'kubernetes.apply',
  manifest: KubernetesObject,
  guard?: object,
): Action {
  n++;
  const meta = manifest.metadata ?? {};
  return {
    id: `rbac-${String(n)}` as ActionId,
    kind,
    area: 'load-balancer',
    operation: kind === 'kubernetes.delete' ? 'delete' : 'create',
    target: meta.name ?? '',
    reason: 'rbac check',
    event: 'Check',
    changes: [],
    dependsOn: [],
    object: {
      apiVersion: manifest.apiVersion ?? '',
      kind: manifest.kind ?? '',
      name: meta.name ?? '',
      ...(meta.namespace === undefined ? {} : { namespace: meta.namespace }),
    },
    manifest,
    ...(guard === undefined ? {} : { guard }),
  } as unknown as Action;
}

const cleanup: string[] = [];
afterAll(async () => {
  for (const path of cleanup) await forceDelete(path);
});

const ccm = asCcm();
const write = kubernetesExecutors(ccm);
const api = admin();

// Every call of providers/kubernetes/access.ts, made as the CCM: what its RBAC must allow.
describe('least privilege, derived from the code: what the CCM does, it may', () => {
  it('lists and watches what its caches hold, in every mode', async () => {
    for (const loadBalancer of [
      { kind: 'metallb-crds', namespace: 'metallb-system' },
      { kind: 'metallb-configmap', namespace: 'metallb-system', name: 'config' },
    ] as const) {
      const observer = new KubernetesObserver(ccm, {
        loadBalancer,
        controlPlane: true,
        onChange: () => undefined,
        watchTimeoutSeconds: 5,
      });
      await observer.start();
      await observer.whenSynced();
      await observer.stop();
    }
  });

  it('patches Nodes and their status, and deletes them', async () => {
    const node = unique('rbac-node');
    await api.request({
      method: 'POST',
      path: resourcePath(resources.Node),
      body: { apiVersion: 'v1', kind: 'Node', metadata: { name: node } },
    });
    const nodeRef = { apiVersion: 'v1', kind: 'Node', name: node };
    await write['kubernetes.patch'](patchAction(nodeRef, '/metadata/labels', { a: 'b' }) as never);
    await write['kubernetes.patch'](
      patchAction(nodeRef, '/status/addresses', [], 'status') as never,
    );
    await write['kubernetes.delete'](
      otherAction('kubernetes.delete', {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: node },
      }) as never,
    );
  });

  it('patches Services and their status', async () => {
    const service = unique('rbac-svc');
    await createLoadBalancerService(api, service);
    cleanup.push(resourcePath(resources.Service, { namespace: 'default', name: service }));
    const serviceRef = { apiVersion: 'v1', kind: 'Service', namespace: 'default', name: service };
    await write['kubernetes.patch'](
      patchAction(serviceRef, '/metadata/finalizers', [
        'service.kubernetes.io/load-balancer-cleanup',
      ]) as never,
    );
    await write['kubernetes.patch'](
      patchAction(
        serviceRef,
        '/status/loadBalancer',
        { ingress: [{ ip: '203.0.113.9' }] },
        'status',
      ) as never,
    );
  });

  it('creates the control-plane mirror Service and applies its EndpointSlice', async () => {
    cleanup.push(
      resourcePath(resources.Service, {
        namespace: mirrorService.namespace,
        name: mirrorService.name,
      }),
    );
    await write['kubernetes.create'](
      otherAction('kubernetes.create', {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: mirrorService.name, namespace: mirrorService.namespace },
        spec: { ports: [{ port: 443 }] },
      } as KubernetesObject) as never,
    ).catch((error: unknown) => {
      if (!String(error).includes('409')) throw error;
    });
    cleanup.push(
      resourcePath(resources.EndpointSlice, {
        namespace: mirrorService.namespace,
        name: mirrorService.name,
      }),
    );
    await write['kubernetes.apply'](
      otherAction('kubernetes.apply', {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: mirrorService.name, namespace: mirrorService.namespace },
        addressType: 'IPv4',
        endpoints: [],
      } as KubernetesObject) as never,
    );
  });

  it('patches MetalLB’s ConfigMap', async () => {
    cleanup.push(
      resourcePath(resources.ConfigMap, { namespace: 'metallb-system', name: 'config' }),
    );
    await api
      .request({
        method: 'POST',
        path: resourcePath(resources.ConfigMap, { namespace: 'metallb-system' }),
        body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config' }, data: {} },
      })
      .catch(() => undefined);
    await write['kubernetes.patch'](
      patchAction(
        { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'metallb-system', name: 'config' },
        '/metadata/labels',
        { a: 'b' },
      ) as never,
    );
  });

  it('creates, patches and deletes MetalLB’s CRs and its password Secret', async () => {
    const pool = unique('rbac-pool');
    const poolManifest = {
      apiVersion: 'metallb.io/v1beta1',
      kind: 'IPAddressPool',
      metadata: { name: pool, namespace: 'metallb-system' },
      spec: { addresses: ['203.0.113.10/32'] },
    } as KubernetesObject;
    await write['kubernetes.create'](otherAction('kubernetes.create', poolManifest) as never);
    await write['kubernetes.patch'](
      patchAction(
        {
          apiVersion: 'metallb.io/v1beta1',
          kind: 'IPAddressPool',
          namespace: 'metallb-system',
          name: pool,
        },
        '/spec/autoAssign',
        false,
      ) as never,
    );
    await write['kubernetes.delete'](otherAction('kubernetes.delete', poolManifest) as never);

    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: passwordSecretName, namespace: 'metallb-system' },
      type: 'kubernetes.io/basic-auth',
      stringData: { password: 'x' },
    } as KubernetesObject;
    await forceDelete(
      resourcePath(resources.Secret, { namespace: 'metallb-system', name: passwordSecretName }),
    );
    await write['kubernetes.create'](otherAction('kubernetes.create', secret) as never);
    await write['kubernetes.patch'](
      patchAction(
        { apiVersion: 'v1', kind: 'Secret', namespace: 'metallb-system', name: passwordSecretName },
        '/metadata/labels',
        { a: 'b' },
      ) as never,
    );
    await write['kubernetes.delete'](otherAction('kubernetes.delete', secret) as never);
  });

  it('records Events and raises their series', async () => {
    const recorder = new EventRecorder(ccm, { instance: 'rbac', seriesEveryMs: 0 });
    const event = {
      regarding: { apiVersion: 'v1', kind: 'Namespace', name: 'default' },
      type: 'Normal' as const,
      reason: 'Check',
      action: 'Check',
      note: 'rbac',
    };
    await recorder.record(event);
    await recorder.record(event);
  });

  it('takes, renews and releases the Lease', async () => {
    let leading = false;
    const elector = new LeaderElector(ccm, {
      namespace: 'kube-system',
      name: 'cloud-controller-manager',
      identity: unique('rbac'),
      leaseDurationMs: 2000,
      renewDeadlineMs: 1500,
      retryPeriodMs: 200,
      onStartedLeading: () => (leading = true),
      onStoppedLeading: () => undefined,
    });
    elector.start();
    await eventually(() => leading, 20_000, 'the CCM to take the Lease');
    await elector.stop();
  });

  it('asks the API server for TokenReviews and SubjectAccessReviews', async () => {
    const reviews = new Reviews(ccm);
    expect(await reviews.token('not-a-token')).toMatchObject({ authenticated: false });
    expect(
      await reviews.access({ username: 'nobody', groups: [] }, 'get', '/metrics'),
    ).toMatchObject({ allowed: false });
  });
});
