import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { KubernetesObject } from '../../model/kubernetes.ts';
import { accessTable, type Access, type Verb } from '../../providers/kubernetes/access.ts';
import { manifestPath, metallbManifestPath } from '../helm/helm.ts';
import { admin } from '../support/integration.ts';

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
});
