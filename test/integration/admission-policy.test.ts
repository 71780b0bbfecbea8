import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mirrorService } from '../../model/marks/control-plane.ts';
import type { KubernetesObject } from '../../model/kubernetes.ts';
import { resourcePath, resources } from '../../providers/kubernetes/resources.ts';
import { admissionKinds } from '../kube/harness.ts';
import { collectionPath } from '../support/kube-rest.ts';
import { manifestPath } from '../helm/helm.ts';
import { admin, asCcm, eventually, forceDelete, unique } from '../support/integration.ts';

const policyObjects = async (): Promise<KubernetesObject[]> =>
  parseAllDocuments(await readFile(manifestPath, 'utf8'))
    .map((d) => d.toJS() as KubernetesObject)
    .filter((o) => admissionKinds.has(o.kind ?? ''));

const pathOf = (o: KubernetesObject): string =>
  `${collectionPath(o.apiVersion ?? '', o.kind ?? '', undefined)}/${o.metadata?.name ?? ''}`;

const created: string[] = [];

/** Creates a Service as admin: undefined when allowed, else the API server's refusal. */
async function create(
  spec: Record<string, unknown>,
  annotations: Record<string, string> = {},
  name = unique('vap'),
): Promise<string | undefined> {
  const path = resourcePath(resources.Service, { namespace: 'default' });
  created.push(resourcePath(resources.Service, { namespace: 'default', name }));
  try {
    await admin().request({
      method: 'POST',
      path,
      body: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, annotations },
        spec: { ports: [{ port: 80 }], ...spec },
      },
    });
    return undefined;
  } catch (error) {
    return String(error);
  }
}

const lb = { type: 'LoadBalancer' };

beforeAll(async () => {
  for (const o of await policyObjects())
    await admin().request({ method: 'POST', path: pathOf(o).replace(/\/[^/]+$/, ''), body: o });
  // The admission plugin picks a new policy up within a few seconds.
  await eventually(
    async () => (await create(lb, { 'metal.equinix.com/eip-metro': 'd a' })) !== undefined,
    20_000,
    'the policy to take effect',
  );
});

afterAll(async () => {
  for (const o of (await policyObjects()).reverse())
    await admin()
      .request({ method: 'DELETE', path: pathOf(o) })
      .catch(() => undefined);
  for (const path of created) await forceDelete(path);
});

describe('the admission policy of deploy/ (ValidatingAdmissionPolicy, CEL) on a real API server', () => {
  it('the manifest carries the policy and its binding', async () => {
    expect((await policyObjects()).map((o) => o.kind)).toEqual([
      'ValidatingAdmissionPolicy',
      'ValidatingAdmissionPolicyBinding',
    ]);
  });

  it('allows what the CCM can use', async () => {
    expect(await create(lb)).toBeUndefined();
    expect(await create(lb, { 'metal.equinix.com/eip-metro': 'da' })).toBeUndefined();
    expect(await create(lb, { 'metal.equinix.com/eip-metro': ' SV ' })).toBeUndefined();
    expect(await create(lb, { 'metal.equinix.com/eip-facility': 'da11' })).toBeUndefined();
    expect(await create({ ...lb, loadBalancerIP: '198.51.100.7' })).toBeUndefined();
    // Services this CCM does not serve are not its business.
    expect(
      await create({ ...lb, loadBalancerClass: 'example.com/other', loadBalancerIP: 'x' }),
    ).toBeUndefined();
    expect(
      await create({ type: 'ClusterIP' }, { 'metal.equinix.com/eip-metro': 'd/a' }),
    ).toBeUndefined();
  });

  it('denies a malformed location annotation or a loadBalancerIP that is not IPv4, saying why', async () => {
    expect(await create(lb, { 'metal.equinix.com/eip-metro': 'dallas-1' })).toMatch(
      /annotation metal.equinix.com\/eip-metro: expected a metro code such as "da", got "dallas-1"/,
    );
    expect(await create(lb, { 'metal.equinix.com/eip-facility': 'da 11' })).toMatch(
      /eip-facility: expected a facility code such as "da11"/,
    );
    for (const ip of ['2001:db8::1', '198.51.100.300', 'my-ip'])
      expect(await create({ ...lb, loadBalancerIP: ip })).toMatch(
        new RegExp(`spec.loadBalancerIP: expected an IPv4 address .*got "${ip}"`),
      );
  });

  it('lets an object whose bad value predates the policy be updated as long as that value stays', async () => {
    const name = unique('vap-old');
    const path = resourcePath(resources.Service, { namespace: 'default', name });
    // Made as a ClusterIP Service (not served), then made a LoadBalancer with the bad value kept.
    expect(
      await create({ type: 'ClusterIP' }, { 'metal.equinix.com/eip-metro': 'd-a' }, name),
    ).toBeUndefined();
    const patch = (body: object) =>
      admin()
        .request({ method: 'PATCH', path, body, contentType: 'application/merge-patch+json' })
        .then(
          () => undefined,
          (error: unknown) => String(error),
        );
    expect(await patch({ spec: { type: 'LoadBalancer' } })).toBeUndefined();
    expect(await patch({ metadata: { labels: { touched: 'yes' } } })).toBeUndefined();
    expect(
      await patch({ metadata: { annotations: { 'metal.equinix.com/eip-metro': 'x-y' } } }),
    ).toMatch(/eip-metro: expected a metro code/);
  });

  it('keeps the control-plane mirror Service to the CCM', async () => {
    const path = resourcePath(resources.Service, mirrorService);
    created.push(path);
    await asCcm().request({
      method: 'POST',
      path: resourcePath(resources.Service, { namespace: mirrorService.namespace }),
      body: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: mirrorService.name },
        spec: { type: 'LoadBalancer', ports: [{ port: 443 }] },
      },
    });
    const label = { metadata: { labels: { edited: 'yes' } } };
    const asAdmin = admin().request({
      method: 'PATCH',
      path,
      body: label,
      contentType: 'application/merge-patch+json',
    });
    await expect(asAdmin).rejects.toThrow(
      /kept by the CCM \(system:serviceaccount:kube-system:cloud-controller-manager\); admin may not edit it/,
    );
    await asCcm().request({
      method: 'PATCH',
      path: `${path}/status`,
      body: [
        { op: 'add', path: '/status/loadBalancer', value: { ingress: [{ ip: '198.51.100.9' }] } },
      ],
      contentType: 'application/json-patch+json',
    });
  });
});
