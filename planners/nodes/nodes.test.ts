import type { V1Node } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { device, deviceId, node, snapshot } from '../../test/support/builders.ts';
import type { ObjectIntent } from '../../model/desired.ts';
import { nodeMarks } from '../../model/marks/node.ts';
import { planNodes } from './nodes.ts';

const shutdownTaint = nodeMarks.shutdown.key;
const uninitializedTaint = nodeMarks.uninitialized.key;

function only(intents: readonly ObjectIntent[]): ObjectIntent {
  expect(intents).toHaveLength(1);
  return intents[0]!;
}

function desiredNode(intent: ObjectIntent): V1Node {
  expect(intent.desired).toBeDefined();
  return intent.desired as V1Node;
}

/** The node as the planner wants it, converged: what the next loop would observe. */
function converged(n: V1Node, ...devices: Parameters<typeof device>[]): V1Node {
  const out = planNodes(snapshot({ nodes: [n], devices: devices.map((d) => device(...d)) }));
  return desiredNode(only(out.objects));
}

describe('planNodes', () => {
  it('initialises a Node found by hostname: provider ID, labels, addresses, taint gone', () => {
    const out = planNodes(snapshot({ nodes: [node('node-1')], devices: [device(1)] }));
    const intent = only(out.objects);
    const n = desiredNode(intent);
    expect(n.spec?.providerID).toBe(`equinixmetal://${deviceId(1)}`);
    expect(n.metadata?.labels).toMatchObject({
      'topology.kubernetes.io/region': 'da',
      'topology.kubernetes.io/zone': 'da11',
      'node.kubernetes.io/instance-type': 'c3.small.x86',
      'kubernetes.io/hostname': 'node-1',
      // Beside the stable ones, the deprecated labels the cloud-node controller still writes.
      'failure-domain.beta.kubernetes.io/region': 'da',
      'failure-domain.beta.kubernetes.io/zone': 'da11',
      'beta.kubernetes.io/instance-type': 'c3.small.x86',
    });
    expect(n.spec?.taints).toBeUndefined();
    expect(n.status?.addresses).toEqual([
      { type: 'Hostname', address: 'node-1' },
      { type: 'InternalIP', address: '10.0.0.1' },
      { type: 'ExternalIP', address: '203.0.113.1' },
      { type: 'ExternalIP', address: '2001:db8::1' },
    ]);
    expect(intent.reasons.join()).toMatch(/initialise from device node-1 .* found by hostname/);
    expect(out.warnings).toEqual([]);
  });

  it.each([
    ['equinixmetal://', `equinixmetal://${deviceId(1)}`],
    ['legacy packet://', `packet://${deviceId(1)}`],
    ['bare UUID', deviceId(1)],
  ])('finds the device by a %s provider ID and keeps the provider ID as it is', (_, providerID) => {
    const n = node('some-other-name', { providerID });
    const out = planNodes(snapshot({ nodes: [n], devices: [device(1)] }));
    const d = desiredNode(only(out.objects));
    expect(d.spec?.providerID).toBe(providerID);
    expect(d.spec?.taints).toBeUndefined();
  });

  it('never takes an Elastic IP (management = false) as a node address', () => {
    const d = device(1);
    const withEip = {
      ...d,
      addresses: [
        ...d.addresses,
        { address: '198.51.100.16', family: 4 as const, public: true, management: false, cidr: 32 },
      ],
    };
    const out = planNodes(snapshot({ nodes: [node('node-1')], devices: [withEip] }));
    const addresses = desiredNode(only(out.objects)).status?.addresses?.map((a) => a.address);
    expect(addresses).not.toContain('198.51.100.16');
  });

  it('initialises a device lacking a private or a public address with what it has', () => {
    const publicOnly = device(1, {
      addresses: device(1).addresses.filter((a) => a.public),
    });
    const privateOnly = device(2, {
      hostname: 'node-2',
      addresses: device(2).addresses.filter((a) => !a.public),
    });
    const out = planNodes(
      snapshot({ nodes: [node('node-1'), node('node-2')], devices: [publicOnly, privateOnly] }),
    );
    const [first, second] = out.objects.map(desiredNode);
    expect(first?.status?.addresses?.map((a) => a.type)).toEqual([
      'Hostname',
      'ExternalIP',
      'ExternalIP',
    ]);
    expect(second?.status?.addresses?.map((a) => a.type)).toEqual(['Hostname', 'InternalIP']);
    expect(first?.spec?.taints).toBeUndefined();
  });

  it('sets no zone or instance-type label when the device has no facility or plan', () => {
    const bare = device(1, { facility: undefined, planSlug: undefined });
    delete (bare as { facility?: string }).facility;
    delete (bare as { planSlug?: string }).planSlug;
    const labels = desiredNode(
      only(planNodes(snapshot({ nodes: [node('node-1')], devices: [bare] })).objects),
    ).metadata?.labels;
    expect(labels).not.toHaveProperty(['topology.kubernetes.io/zone']);
    expect(labels).not.toHaveProperty(['node.kubernetes.io/instance-type']);
    expect(labels).toHaveProperty(['topology.kubernetes.io/region'], 'da');
  });

  it('wants nothing more of a converged Node', () => {
    const ready = converged(node('node-1'), [1]);
    // Nothing planned for it at all: no intent, no draft, nothing for the differ to compare.
    expect(planNodes(snapshot({ nodes: [ready], devices: [device(1)] })).objects).toEqual([]);
  });

  it('follows a device whose address changed', () => {
    const ready = converged(node('node-1'), [1]);
    const moved = device(1, {
      addresses: device(1).addresses.map((a) =>
        a.public && a.family === 4 ? { ...a, address: '203.0.113.99' } : a,
      ),
    });
    const intent = only(planNodes(snapshot({ nodes: [ready], devices: [moved] })).objects);
    expect(desiredNode(intent).status?.addresses).toContainEqual({
      type: 'ExternalIP',
      address: '203.0.113.99',
    });
    expect(intent.reasons.join()).toMatch(/follow device node-1/);
  });

  it('taints a Node whose device is inactive, and untaints it when the device is back', () => {
    const ready = converged(node('node-1'), [1]);
    const off = only(
      planNodes(snapshot({ nodes: [ready], devices: [device(1, { state: 'inactive' })] })).objects,
    );
    const tainted = desiredNode(off);
    expect(tainted.spec?.taints).toEqual([{ key: shutdownTaint, effect: 'NoSchedule' }]);
    expect(off.reasons.join()).toMatch(/inactive \(shut down\)/);

    const on = only(planNodes(snapshot({ nodes: [tainted], devices: [device(1)] })).objects);
    expect(desiredNode(on).spec?.taints).toBeUndefined();
    expect(on.reasons.join()).toMatch(/is active again/);
  });

  it('leaves taints that are not its own alone', () => {
    const n = node('node-1');
    n.spec!.taints = [
      { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
      { key: uninitializedTaint, value: 'true', effect: 'NoSchedule' },
    ];
    const d = desiredNode(
      only(
        planNodes(snapshot({ nodes: [n], devices: [device(1, { state: 'inactive' })] })).objects,
      ),
    );
    expect(d.spec?.taints).toEqual([
      { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
      { key: shutdownTaint, effect: 'NoSchedule' },
    ]);
  });

  it('deletes a Node that is not Ready and whose device is gone', () => {
    const gone = node('node-9', { providerID: `equinixmetal://${deviceId(9)}`, ready: false });
    const out = planNodes(snapshot({ nodes: [gone], devices: [device(1)] }));
    const intent = only(out.objects);
    expect(intent.desired).toBeUndefined();
    expect(intent.observed).toBe(gone);
    expect(intent.reasons.join()).toMatch(/no longer exists/);
  });

  it('does not delete a Node that is still Ready, and says so', () => {
    const gone = node('node-9', { providerID: `equinixmetal://${deviceId(9)}` });
    const out = planNodes(snapshot({ nodes: [gone], devices: [] }));
    expect(out.objects).toEqual([]);
    expect(out.warnings).toEqual([
      expect.objectContaining({
        subject: 'Node node-9',
        message: expect.stringMatching(/still Ready/),
      }),
    ]);
  });

  it('deletes nothing when the Metal observation is incomplete', () => {
    const gone = node('node-9', { providerID: `equinixmetal://${deviceId(9)}`, ready: false });
    const out = planNodes(snapshot({ nodes: [gone], devices: [], complete: false }));
    expect(out.objects).toEqual([]);
    expect(out.warnings[0]?.message).toMatch(/incomplete; not deleted/);
  });

  it.each([
    ['no device of that name', node('stray'), /no device named "stray"/],
    [
      'a foreign provider ID',
      node('aws', { providerID: 'aws:///us-east-1a/i-1' }),
      /not an Equinix Metal one/,
    ],
    ['a malformed provider ID', node('bad', { providerID: 'equinixmetal://nope' }), /malformed/],
  ])('reports a Node with %s and leaves it alone', (_, n, message) => {
    const out = planNodes(snapshot({ nodes: [n, node('node-1')], devices: [device(1)] }));
    expect(out.objects).toHaveLength(1); // the rest goes on
    expect(out.warnings).toEqual([
      expect.objectContaining({ message: expect.stringMatching(message) }),
    ]);
  });

  it('does not guess between two devices of the same name', () => {
    const out = planNodes(
      snapshot({
        nodes: [node('node-1')],
        devices: [device(1), device(2, { hostname: 'node-1' })],
      }),
    );
    expect(out.objects).toEqual([]);
    expect(out.warnings[0]?.message).toMatch(/2 devices named "node-1"/);
  });
});
