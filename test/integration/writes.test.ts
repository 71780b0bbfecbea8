import { afterAll, describe, expect, it } from 'vitest';
import type { ActionId } from '../../model/ids.ts';
import type { KubernetesDeleteAction, KubernetesPatchAction } from '../../model/plan.ts';
import { Sensitive } from '../../model/sensitive.ts';
import { EventRecorder } from '../../providers/kubernetes/events.ts';
import { kubernetesExecutors, StaleWriteError } from '../../providers/kubernetes/executor.ts';
import { resourcePath, resources } from '../../providers/kubernetes/resources.ts';
import { KubeApiError } from '../../providers/kubernetes/api-error.ts';
import { admin, asCcm, deleteNodes, unique } from '../support/integration.ts';

interface NodeBody {
  metadata: {
    name: string;
    uid: string;
    resourceVersion: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: { providerID?: string };
  status?: { addresses?: { type: string; address: string }[] };
}

const created: string[] = [];
afterAll(() => deleteNodes(created));

async function createNode(): Promise<NodeBody> {
  const name = unique('write-node');
  created.push(name);
  return admin().request<NodeBody>({
    method: 'POST',
    path: resourcePath(resources.Node),
    body: { apiVersion: 'v1', kind: 'Node', metadata: { name } },
  });
}

function patch(
  node: NodeBody,
  ops: KubernetesPatchAction['patch'],
  subresource?: 'status',
): KubernetesPatchAction {
  return {
    id: 'p' as ActionId,
    kind: 'kubernetes.patch',
    area: 'nodes',
    operation: 'update',
    target: `Node ${node.metadata.name}`,
    reason: 'test',
    event: 'Test',
    changes: [],
    dependsOn: [],
    object: { apiVersion: 'v1', kind: 'Node', name: node.metadata.name },
    patch: [
      { op: 'test', path: '/metadata/resourceVersion', value: node.metadata.resourceVersion },
      ...ops,
    ],
    ...(subresource === undefined ? {} : { subresource }),
  };
}

const read = (name: string) =>
  admin().request<NodeBody>({ method: 'GET', path: resourcePath(resources.Node, { name }) });

describe('Kubernetes writes on a real API server, as the CCM', () => {
  const write = kubernetesExecutors(asCcm());

  it('patches spec and metadata with the resourceVersion guard, and reveals secrets only on the wire', async () => {
    const node = await createNode();
    const result = await write['kubernetes.patch'](
      patch(node, [
        {
          op: 'add',
          path: '/spec/providerID',
          value: 'equinixmetal://00000000-0000-4000-8000-000000000001',
        },
        {
          op: 'add',
          path: '/metadata/annotations',
          value: { 'metal.equinix.com/bgp-pass': new Sensitive('c2VjcmV0') },
        },
      ]),
    );
    const after = await read(node.metadata.name);
    expect(after.spec?.providerID).toBe('equinixmetal://00000000-0000-4000-8000-000000000001');
    expect(after.metadata.annotations?.['metal.equinix.com/bgp-pass']).toBe('c2VjcmV0');
    expect(result.resourceVersion).toBe(after.metadata.resourceVersion);
  });

  it('writes addresses through the status subresource (the main resource ignores them)', async () => {
    const node = await createNode();
    const addresses = [{ type: 'InternalIP', address: '10.0.0.9' }];
    await write['kubernetes.patch'](
      patch(node, [{ op: 'add', path: '/status/addresses', value: addresses }], 'status'),
    );
    expect((await read(node.metadata.name)).status?.addresses).toEqual(addresses);
  });

  it('refuses a write planned against an older version: re-planned, not forced or lost', async () => {
    const node = await createNode();
    // Someone else writes first.
    await admin().request({
      method: 'PATCH',
      path: resourcePath(resources.Node, { name: node.metadata.name }),
      body: { metadata: { labels: { other: 'writer' } } },
      contentType: 'application/merge-patch+json',
    });
    const stale = patch(node, [{ op: 'add', path: '/spec/providerID', value: 'equinixmetal://x' }]);
    await expect(write['kubernetes.patch'](stale)).rejects.toBeInstanceOf(StaleWriteError);
    const after = await read(node.metadata.name);
    expect(after.spec?.providerID).toBeUndefined();
    expect(after.metadata.labels?.['other']).toBe('writer');
    // Planned again from what is there now, it goes through.
    await write['kubernetes.patch'](
      patch(after, [{ op: 'add', path: '/spec/providerID', value: 'equinixmetal://x' }]),
    );
    expect((await read(node.metadata.name)).spec?.providerID).toBe('equinixmetal://x');
  });

  it('deletes only the object it observed (UID and resourceVersion preconditions); gone is done', async () => {
    const node = await createNode();
    const remove = (observed: NodeBody): KubernetesDeleteAction => ({
      id: 'd' as ActionId,
      kind: 'kubernetes.delete',
      area: 'nodes',
      operation: 'delete',
      target: `Node ${observed.metadata.name}`,
      reason: 'test',
      event: 'Test',
      changes: [],
      dependsOn: [],
      object: { apiVersion: 'v1', kind: 'Node', name: observed.metadata.name },
      guard: {
        uid: observed.metadata.uid,
        resourceVersion: observed.metadata.resourceVersion,
      },
    });
    await admin().request({
      method: 'PATCH',
      path: resourcePath(resources.Node, { name: node.metadata.name }),
      body: { metadata: { labels: { touched: 'yes' } } },
      contentType: 'application/merge-patch+json',
    });
    await expect(write['kubernetes.delete'](remove(node))).rejects.toBeInstanceOf(StaleWriteError);
    const current = await read(node.metadata.name);
    await write['kubernetes.delete'](remove(current));
    await expect(read(node.metadata.name)).rejects.toMatchObject({ status: 404 });
    await expect(write['kubernetes.delete'](remove(current))).resolves.toEqual({});
  });
});

describe('Events', () => {
  it('are recorded on the object, and a repeat raises the series count instead of flooding', async () => {
    const node = await createNode();
    const recorder = new EventRecorder(asCcm(), { instance: 'test', seriesEveryMs: 0 });
    const event = {
      regarding: { apiVersion: 'v1', kind: 'Node', name: node.metadata.name },
      type: 'Warning' as const,
      reason: 'NodeSyncedFailed',
      action: 'Update',
      note: 'stuck',
    };
    await recorder.record(event);
    await recorder.record(event);
    await recorder.record(event);
    const events = await admin().request<{
      items: { reason: string; regarding: { name: string }; series?: { count: number } }[];
    }>({
      method: 'GET',
      path: resourcePath(resources.Event, { namespace: 'default' }),
    });
    const mine = events.items.filter((e) => e.regarding.name === node.metadata.name);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ reason: 'NodeSyncedFailed', series: { count: 3 } });
  });

  it('write a repeat’s count at most every seriesEveryMs', async () => {
    const node = await createNode();
    const recorder = new EventRecorder(asCcm(), { instance: 'test', seriesEveryMs: 60_000 });
    const event = {
      regarding: { apiVersion: 'v1', kind: 'Node', name: node.metadata.name },
      type: 'Warning' as const,
      reason: 'NodeSyncedFailed',
      action: 'Update',
      note: 'stuck, often',
    };
    for (let i = 0; i < 5; i++) await recorder.record(event);
    const events = await admin().request<{
      items: { regarding: { name: string }; series?: { count: number } }[];
    }>({ method: 'GET', path: resourcePath(resources.Event, { namespace: 'default' }) });
    const mine = events.items.filter((e) => e.regarding.name === node.metadata.name);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.series).toBeUndefined(); // counted in memory, written later
  });
});

describe('the CCM identity (deploy/template/deployment.yaml RBAC)', () => {
  const ccm = asCcm();

  it('can do what the CCM needs', async () => {
    const node = await createNode();
    const namespace = await ccm.request<{ metadata: { uid: string } }>({
      method: 'GET',
      path: resourcePath(resources.Namespace, { name: 'kube-system' }),
    });
    expect(namespace.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    const nodes = await ccm.request<{ items: NodeBody[] }>({
      method: 'GET',
      path: resourcePath(resources.Node),
    });
    expect(nodes.items.map((n) => n.metadata.name)).toContain(node.metadata.name);
    const services = await ccm.request<{ kind: string }>({
      method: 'GET',
      path: resourcePath(resources.Service),
    });
    expect(services.kind).toBe('ServiceList');
    const patched = await ccm.request<NodeBody>({
      method: 'PATCH',
      path: resourcePath(resources.Node, { name: node.metadata.name, subresource: 'status' }),
      body: [{ op: 'add', path: '/status/addresses', value: [{ type: 'Hostname', address: 'h' }] }],
      contentType: 'application/json-patch+json',
    });
    expect(patched.status?.addresses).toEqual([{ type: 'Hostname', address: 'h' }]);
    const lease = await ccm
      .request<{ metadata: { name: string } }>({
        method: 'POST',
        path: resourcePath(resources.Lease, { namespace: 'kube-system' }),
        body: {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: 'cloud-controller-manager' },
          spec: {},
        },
      })
      .catch(async (error: unknown) => {
        if (!(error instanceof KubeApiError && error.status === 409)) throw error;
        return ccm.request<{ metadata: { name: string } }>({
          method: 'GET',
          path: resourcePath(resources.Lease, {
            namespace: 'kube-system',
            name: 'cloud-controller-manager',
          }),
        });
      });
    expect(lease.metadata.name).toBe('cloud-controller-manager');
    const event = await ccm.request<{ reason: string }>({
      method: 'POST',
      path: resourcePath(resources.Event, { namespace: 'default' }),
      body: {
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        metadata: { generateName: 'rbac-check-' },
        eventTime: new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000Z'),
        reportingController: 'metal-ccm',
        reportingInstance: 'test',
        action: 'Check',
        reason: 'Check',
        type: 'Normal',
        regarding: { apiVersion: 'v1', kind: 'Node', name: node.metadata.name },
      },
    });
    expect(event.reason).toBe('Check');
  });

  it.each([
    [
      'read Secrets outside its own',
      'GET',
      resourcePath(resources.Secret, { namespace: 'kube-system' }),
    ],
    [
      'create ConfigMaps in default',
      'POST',
      resourcePath(resources.ConfigMap, { namespace: 'default' }),
    ],
    ['delete a namespace', 'DELETE', resourcePath(resources.Namespace, { name: 'default' })],
    ['read another namespace', 'GET', resourcePath(resources.Namespace, { name: 'default' })],
  ] as const)('is forbidden to %s, and says so loudly', async (_, method, path) => {
    const attempt = ccm.request({
      method,
      path,
      ...(method === 'POST'
        ? { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } } }
        : {}),
    });
    await expect(attempt).rejects.toBeInstanceOf(KubeApiError);
    await expect(attempt).rejects.toMatchObject({
      status: 403,
      reason: 'Forbidden',
      message: expect.stringMatching(/forbidden.*cloud-controller-manager/),
    });
  });
});
