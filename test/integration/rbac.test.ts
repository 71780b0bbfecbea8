import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import type { KubernetesObject } from '../../model/kubernetes.ts';
import type { Action } from '../../model/plan.ts';
import type { ActionId } from '../../model/ids.ts';
import { mirrorService } from '../../model/marks/control-plane.ts';
import { passwordSecretName } from '../../model/marks/metallb.ts';
import { accessTable, type Access, type Verb } from '../../providers/kubernetes/access.ts';
import { EventRecorder } from '../../providers/kubernetes/events.ts';
import { kubernetesExecutors } from '../../providers/kubernetes/executor.ts';
import { LeaderElector } from '../../providers/kubernetes/leader.ts';
import { KubernetesObserver } from '../../providers/kubernetes/observe.ts';
import { resourcePath, resources } from '../../providers/kubernetes/resources.ts';
import { Reviews } from '../../providers/kubernetes/reviews.ts';
import { manifestPath, metallbManifestPath } from '../helm/helm.ts';
import { createLoadBalancerService } from '../kube/objects.ts';
import { admin, asCcm, eventually, forceDelete, unique } from '../support/integration.ts';

const ccmUser = 'system:serviceaccount:kube-system:cloud-controller-manager';
const ccmGroups = [
  'system:serviceaccounts',
  'system:serviceaccounts:kube-system',
  'system:authenticated',
];
const allVerbs: readonly Verb[] = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
const table = accessTable({ leaseName: 'cloud-controller-manager', metallbConfigMap: 'config' });
const namespaceOf = (a: Access): string | undefined =>
  a.scope === 'cluster'
    ? undefined
    : a.scope === 'own'
      ? 'kube-system'
      : a.scope === 'metallb'
        ? 'metallb-system'
        : a.scope.namespace;

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  verbs?: string[];
  nonResourceURLs?: string[];
}

/** The rules of deploy/template/*.yaml bound to the CCM, as `namespace|group|resource|names|verb` lines. */
async function manifestRules(): Promise<string[]> {
  const docs = (
    await Promise.all([manifestPath, metallbManifestPath].map((p) => readFile(p, 'utf8')))
  ).flatMap((t) =>
    parseAllDocuments(t).map(
      (d) => d.toJS() as KubernetesObject & { rules?: Rule[]; roleRef?: { name: string } },
    ),
  );
  const bound = new Set(
    docs.filter((d) => d.kind?.endsWith('Binding')).map((d) => d.roleRef?.name ?? ''),
  );
  return docs
    .filter(
      (d) => (d.kind === 'Role' || d.kind === 'ClusterRole') && bound.has(d.metadata?.name ?? ''),
    )
    .flatMap((d) =>
      (d.rules ?? []).flatMap((r) =>
        (r.resources ?? []).flatMap((res) =>
          (r.verbs ?? []).map((v) =>
            [
              d.metadata?.namespace ?? '',
              r.apiGroups?.[0] ?? '',
              res,
              (r.resourceNames ?? []).join(','),
              v,
            ].join('|'),
          ),
        ),
      ),
    )
    .sort();
}

/** The same lines from the access table (the two reviews come from the bound system:auth-delegator). */
function tableRules(): string[] {
  return table
    .filter((a) => !['tokenreviews', 'subjectaccessreviews'].includes(a.resource))
    .flatMap((a) =>
      a.verbs.map((v) =>
        [namespaceOf(a) ?? '', a.group, a.resource, (a.names ?? []).join(','), v].join('|'),
      ),
    )
    .sort();
}

async function mayI(
  verb: string,
  a: { group: string; resource: string; namespace?: string; name?: string },
): Promise<boolean> {
  const [resource, subresource] = a.resource.split('/');
  const review = await admin().request<{ status: { allowed?: boolean } }>({
    method: 'POST',
    path: '/apis/authorization.k8s.io/v1/subjectaccessreviews',
    body: {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: {
        user: ccmUser,
        groups: ccmGroups,
        resourceAttributes: {
          verb,
          group: a.group,
          resource,
          ...(subresource === undefined ? {} : { subresource }),
          ...(a.namespace === undefined ? {} : { namespace: a.namespace }),
          ...(a.name === undefined ? {} : { name: a.name }),
        },
      },
    },
  });
  return review.status.allowed === true;
}

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

describe('least privilege, derived from the code (providers/kubernetes/access.ts)', () => {
  it('the RBAC of deploy/template/*.yaml is exactly the access table', async () => {
    expect(await manifestRules()).toEqual(tableRules());
    const manifest = await readFile(manifestPath, 'utf8');
    expect(manifest).toMatch(
      /roleRef:\n\s+apiGroup: rbac.authorization.k8s.io\n\s+kind: ClusterRole\n\s+name: system:auth-delegator/,
    );
  });

  it('every verb the code does not use is refused, and names are held to their objects', async () => {
    const allowedButUnneeded: string[] = [];
    for (const a of table) {
      const namespace = namespaceOf(a);
      // A cluster-wide grant covers every namespace.
      const needed = new Set(
        table
          .filter(
            (b) =>
              b.group === a.group &&
              b.resource === a.resource &&
              (namespaceOf(b) === namespace || b.scope === 'cluster'),
          )
          .flatMap((b) => b.verbs),
      );
      for (const verb of allVerbs.filter((v) => !needed.has(v)))
        if (
          await mayI(verb, {
            ...a,
            ...(namespace === undefined ? {} : { namespace }),
            ...(a.names === undefined ? {} : { name: a.names[0] }),
          })
        )
          allowedButUnneeded.push(`${verb} ${a.resource} in ${namespace ?? 'the cluster'}`);
      if (a.names !== undefined)
        for (const verb of a.verbs)
          if (
            await mayI(verb, {
              ...a,
              ...(namespace === undefined ? {} : { namespace }),
              name: 'someone-else',
            })
          )
            allowedButUnneeded.push(
              `${verb} ${a.resource} someone-else in ${namespace ?? 'the cluster'}`,
            );
    }
    for (const [verb, resource, group, namespace] of [
      ['create', 'services', '', 'default'],
      ['delete', 'services', '', 'kube-system'],
      ['create', 'endpointslices', 'discovery.k8s.io', 'default'],
      ['patch', 'endpointslices', 'discovery.k8s.io', 'default'],
      ['get', 'secrets', '', 'kube-system'],
      ['list', 'configmaps', '', 'metallb-system'],
      ['create', 'leases', 'coordination.k8s.io', 'default'],
    ] as const)
      if (await mayI(verb, { group, resource, namespace }))
        allowedButUnneeded.push(`${verb} ${resource} in ${namespace}`);
    expect(allowedButUnneeded).toEqual([]);
  });

  it('every call the code makes succeeds as the CCM: caches, executors, Events, the Lease, the reviews', async () => {
    const ccm = asCcm();
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
    const write = kubernetesExecutors(ccm);
    const api = admin();

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

    const recorder = new EventRecorder(ccm, { instance: 'rbac', seriesEveryMs: 0 });
    const event = {
      regarding: serviceRef,
      type: 'Normal' as const,
      reason: 'Check',
      action: 'Check',
      note: 'rbac',
    };
    await recorder.record(event);
    await recorder.record(event);

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

    const reviews = new Reviews(ccm);
    expect(await reviews.token('not-a-token')).toMatchObject({ authenticated: false });
    expect(
      await reviews.access({ username: 'nobody', groups: [] }, 'get', '/metrics'),
    ).toMatchObject({ allowed: false });
  });
});
