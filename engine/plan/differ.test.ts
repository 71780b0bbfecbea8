import type { V1Node } from '@kubernetes/client-node';
import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import type { Desired, MetalIntent, ObjectIntent } from '../../model/desired.ts';
import { KnownAfterApply, placeholderOf } from '../../model/known-after-apply.ts';
import type { Action } from '../../model/plan.ts';
import type { KubernetesObject } from '../../model/kubernetes.ts';
import { isSensitive, revealDeep } from '../../model/sensitive.ts';
import { node, snapshot } from '../../test/support/builders.ts';
import { diff } from './differ.ts';

const empty: Desired = { objects: [], metal: [], warnings: [] };

function planOf(desired: Partial<Desired>) {
  return diff(snapshot({}), { ...empty, ...desired });
}

function edit(
  observed: V1Node,
  recipe: (n: V1Node) => void,
  more: Partial<ObjectIntent> = {},
): ObjectIntent {
  return {
    area: 'nodes',
    observed,
    desired: produce(observed, recipe),
    reasons: ['because'],
    ...more,
  };
}

function byKind<K extends Action['kind']>(actions: readonly Action[], kind: K) {
  return actions.filter((a): a is Extract<Action, { kind: K }> => a.kind === kind);
}

describe('diff', () => {
  it('gives no actions when desired equals observed', () => {
    const n = node('a');
    expect(planOf({ objects: [edit(n, () => undefined)] }).actions).toEqual([]);
  });

  it('turns a change into a JSON Patch guarded by the resourceVersion', () => {
    const n = node('a');
    const [action] = planOf({
      objects: [
        edit(n, (d) => {
          d.spec!.providerID = 'equinixmetal://x';
        }),
      ],
    }).actions;
    expect(action).toMatchObject({
      kind: 'kubernetes.patch',
      operation: 'update',
      target: 'Node a',
      reason: 'because',
      guard: { resourceVersion: '7' },
      patch: [{ op: 'add', path: '/spec/providerID', value: 'equinixmetal://x' }],
      changes: [{ path: 'spec.providerID', after: 'equinixmetal://x' }],
    });
  });

  it('sends status changes to the status subresource, after the object patch', () => {
    const n = node('a');
    const plan = planOf({
      objects: [
        edit(n, (d) => {
          d.metadata!.labels!['x'] = 'y';
          d.status!.addresses = [{ type: 'InternalIP', address: '10.0.0.1' }];
        }),
      ],
    });
    const [main, status] = byKind(plan.actions, 'kubernetes.patch');
    expect(main?.subresource).toBeUndefined();
    expect(main?.guard).toEqual({ resourceVersion: '7' });
    expect(main?.patch.map((op) => op.path)).toEqual(['/metadata/labels/x']);
    expect(status?.subresource).toBe('status');
    expect(status?.target).toBe('Node a status');
    expect(status?.guard).toEqual({ resourceVersion: '7' });
    expect(status?.patch.every((op) => op.path.startsWith('/status'))).toBe(true);
    expect(status?.dependsOn).toEqual([main?.id]);
  });

  it('renders list changes as the whole field, and map keys in brackets', () => {
    const n = node('a');
    const [action] = planOf({
      objects: [
        edit(n, (d) => {
          d.metadata!.labels!['topology.kubernetes.io/region'] = 'da';
          delete d.spec!.taints;
        }),
      ],
    }).actions;
    expect(action?.changes).toEqual([
      { path: 'metadata.labels["topology.kubernetes.io/region"]', after: 'da' },
      { path: 'spec.taints', before: n.spec?.taints },
    ]);
  });

  it('deletes guarded by the observed UID and resourceVersion', () => {
    const n = node('gone');
    const [action] = planOf({
      objects: [{ area: 'nodes', observed: n, reasons: ['device gone'] }],
    }).actions;
    expect(action).toMatchObject({
      kind: 'kubernetes.delete',
      operation: 'delete',
      target: 'Node gone',
      guard: { uid: 'uid-gone', resourceVersion: '7' },
    });
  });

  it('creates an object that does not exist', () => {
    const manifest = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's', namespace: 'kube-system' },
      spec: { type: 'LoadBalancer' },
    };
    const [action] = planOf({
      objects: [{ area: 'control-plane', desired: manifest, reasons: ['mirror'] }],
    }).actions;
    expect(action).toMatchObject({
      kind: 'kubernetes.create',
      operation: 'create',
      target: 'Service kube-system/s',
      manifest,
    });
  });

  it('carries a Metal request as it is, ordered after what it waits for', () => {
    const n = node('a');
    const plan = planOf({
      objects: [
        edit(n, (d) => {
          d.spec!.providerID = 'equinixmetal://x';
        }),
      ],
      metal: [
        {
          area: 'bgp',
          key: 'session a',
          operation: 'create',
          target: 'BGP session of device x',
          reasons: ['BGP is on'],
          request: {
            operation: 'createBgpSession',
            method: 'POST',
            path: '/devices/x/bgp/sessions',
            body: { address_family: 'ipv4' },
          },
          after: ['v1/Node//a'],
        },
      ],
    });
    const [first, second] = plan.actions;
    expect(first?.kind).toBe('kubernetes.patch');
    expect(second).toMatchObject({
      kind: 'metal.request',
      request: {
        method: 'POST',
        path: '/devices/x/bgp/sessions',
        body: { address_family: 'ipv4' },
      },
      dependsOn: [first?.id],
    });
  });

  it('masks values at sensitive paths in the patch and the changes', () => {
    const n = node('a');
    const path = '/metadata/annotations/metal.equinix.com~1bgp-pass';
    const [action] = planOf({
      objects: [
        edit(
          n,
          (d) => {
            d.metadata!.annotations = { 'metal.equinix.com/bgp-pass': 'c2VjcmV0', other: 'x' };
          },
          { sensitivePaths: [path] },
        ),
      ],
    }).actions;
    const patch = byKind([action!], 'kubernetes.patch')[0]!.patch;
    const value = patch.find((op) => op.path === '/metadata/annotations')!;
    const annotations = (value as { value: Record<string, unknown> }).value;
    expect(isSensitive(annotations['metal.equinix.com/bgp-pass'])).toBe(true);
    expect(annotations['other']).toBe('x');
    expect(JSON.stringify(action)).not.toContain('c2VjcmV0');
  });

  it('keeps the new value of a field under a sensitive parent (a Secret’s data), masked', () => {
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'n', resourceVersion: '5' },
      data: { password: 'b2xk' },
    };
    const [action] = planOf({
      objects: [
        {
          area: 'load-balancer',
          observed: secret,
          desired: { ...secret, data: { password: 'bmV3' } } as KubernetesObject,
          reasons: ['rotate'],
          sensitivePaths: ['/data'],
        },
      ],
    }).actions;
    const patch = byKind([action!], 'kubernetes.patch')[0]!.patch;
    const replace = patch.find((op) => op.path === '/data/password') as { value: unknown };
    expect(isSensitive(replace.value)).toBe(true);
    expect(revealDeep(patch)).toContainEqual({
      op: 'replace',
      path: '/data/password',
      value: 'bmV3',
    });
    expect(JSON.stringify(action)).not.toContain('bmV3');
  });

  it('gives every action a stable id and orders by area then target', () => {
    const intents = ['b', 'a', 'c'].map((name) =>
      edit(node(name), (d) => {
        d.spec!.providerID = name;
      }),
    );
    const first = planOf({ objects: intents });
    const second = planOf({ objects: [...intents].reverse() });
    expect(first.actions.map((a) => a.target)).toEqual(['Node a', 'Node b', 'Node c']);
    expect(second.actions.map((a) => a.id)).toEqual(first.actions.map((a) => a.id));
    expect(new Set(first.actions.map((a) => a.id)).size).toBe(3);
  });

  it('chains writes of different areas to one object', () => {
    const n = node('a');
    const plan = planOf({
      objects: [
        {
          ...edit(n, (d) => {
            d.metadata!.annotations = { asn: '65000' };
          }),
          area: 'bgp',
        },
        edit(n, (d) => {
          d.spec!.providerID = 'p';
        }),
      ],
    });
    const [nodes, bgp] = plan.actions;
    expect(nodes?.area).toBe('nodes');
    expect(bgp?.area).toBe('bgp');
    expect(bgp?.dependsOn).toEqual([nodes?.id]);
  });

  it('reports observation problems and planner warnings', () => {
    const plan = diff(
      { ...snapshot({}), problems: [{ subject: 'device x', message: 'skipped' }] },
      { ...empty, warnings: [{ area: 'nodes', subject: 'Node y', message: 'left alone' }] },
    );
    expect(plan.warnings).toEqual([
      { area: 'observation', subject: 'device x', message: 'skipped' },
      { area: 'nodes', subject: 'Node y', message: 'left alone' },
    ]);
  });

  it('puts a value known after apply in an action of its own, after the answer it comes from', () => {
    const n = node('a');
    const request: MetalIntent = {
      area: 'nodes',
      key: 'reservation for a',
      operation: 'create',
      target: 'reservation for a',
      reasons: ['because'],
      after: ['v1/Node//a'],
      request: { operation: 'requestIPReservation', method: 'POST', path: '/projects/p/ips' },
    };
    const labelled = produce(n, (d) => {
      d.metadata!.labels = { ...d.metadata!.labels, marked: 'yes' };
    });
    const address = placeholderOf({ key: request.key, field: 'address' });
    const { actions } = planOf({
      objects: [
        edit(n, () => labelled),
        edit(labelled, (d) => {
          d.metadata!.labels = { ...d.metadata!.labels, eip: address };
        }),
      ],
      metal: [request],
    });
    const [marked, given] = byKind(actions, 'kubernetes.patch');
    const [reserve] = byKind(actions, 'metal.request');
    expect(actions.map((a) => a.id)).toEqual([marked!.id, reserve!.id, given!.id]);
    expect(reserve!.dependsOn).toEqual([marked!.id]);
    expect([...given!.dependsOn].sort()).toEqual([marked!.id, reserve!.id].sort());
    const known = new KnownAfterApply(reserve!.id, '{address}');
    expect(given!.patch).toEqual([{ op: 'add', path: '/metadata/labels/eip', value: known }]);
    expect(given!.changes).toEqual([{ path: 'metadata.labels.eip', after: known }]);
    expect(given!.guard).toEqual({ resourceVersion: '7' }); // the applier carries it forward
  });
});
