import { describe, expect, it } from 'vitest';
import { trimmed } from './trim.ts';

describe('trimmed', () => {
  it("drops a Node's managed fields, last-applied copy and unread status, keeping what planners read", () => {
    const node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: 'n1',
        resourceVersion: '7',
        managedFields: [{ manager: 'kubelet' }],
        annotations: {
          'kubectl.kubernetes.io/last-applied-configuration': '{"a huge": "copy"}',
          'metal.equinix.com/x': 'y',
        },
        labels: { a: 'b' },
      },
      spec: { providerID: 'equinix-metal://d1' },
      status: {
        addresses: [{ type: 'InternalIP', address: '10.0.0.1' }],
        conditions: [{ type: 'Ready', status: 'True' }],
        images: [{ names: ['big'], sizeBytes: 1 }],
        nodeInfo: { kubeletVersion: 'v1' },
        capacity: { cpu: '2' },
      },
    };
    expect(trimmed(node)).toEqual({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: 'n1',
        resourceVersion: '7',
        annotations: { 'metal.equinix.com/x': 'y' },
        labels: { a: 'b' },
      },
      spec: { providerID: 'equinix-metal://d1' },
      status: {
        addresses: [{ type: 'InternalIP', address: '10.0.0.1' }],
        conditions: [{ type: 'Ready', status: 'True' }],
      },
    });
  });

  it("keeps a Service's status and an emptied annotations map (a patch adds to it, not over it)", () => {
    const service = {
      kind: 'Service',
      metadata: {
        name: 's',
        managedFields: [],
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
      },
      status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } },
    };
    expect(trimmed(service)).toEqual({
      kind: 'Service',
      metadata: { name: 's', annotations: {} },
      status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } },
    });
  });
});
