import { describe, expect, it } from 'vitest';
import { answerJson, useKubeApiStub } from '../../test/support/kube-api-stub.ts';
import { recordedFailures } from './recorded-failures.ts';
import { KubeRest } from './rest.ts';

const start = useKubeApiStub();

const event = (overrides: Record<string, unknown>) => ({
  metadata: { name: `e-${String(Math.random())}`, namespace: 'default' },
  reportingController: 'metal-ccm',
  type: 'Warning',
  reason: 'ElasticIPRequestedFailed',
  note: 'a LoadBalancer Service has no Elastic IP: 500',
  eventTime: '2026-12-01T10:00:00.000000Z',
  regarding: { apiVersion: 'v1', kind: 'Service', namespace: 'default', name: 'web' },
  ...overrides,
});

describe('the failures the CCM recorded as Warning Events', () => {
  it("reads the CCM's own, with their series, and passes over others' and misshapen ones", async () => {
    const { connection, seen } = await start((_request, response) => {
      answerJson(response, 200, {
        metadata: { resourceVersion: '7' },
        items: [
          event({ series: { count: 4, lastObservedTime: '2026-12-01T10:05:00.000000Z' } }),
          event({ reportingController: 'kubelet' }),
          event({ reason: 'SomethingOdd' }),
          event({ regarding: { kind: 'Service' } }),
          event({ note: undefined, regarding: { kind: 'Node', name: 'worker-1' } }),
        ],
      });
    });
    expect(await recordedFailures(new KubeRest(connection))).toEqual([
      {
        regarding: { apiVersion: 'v1', kind: 'Service', namespace: 'default', name: 'web' },
        reason: 'ElasticIPRequestedFailed',
        note: 'a LoadBalancer Service has no Elastic IP: 500',
        count: 4,
        lastAt: '2026-12-01T10:05:00.000000Z',
      },
      {
        regarding: { apiVersion: 'v1', kind: 'Node', name: 'worker-1' },
        reason: 'ElasticIPRequestedFailed',
        note: '',
        count: 1,
        lastAt: '2026-12-01T10:00:00.000000Z',
      },
    ]);
    expect(seen[0]?.url).toMatch(
      /^\/apis\/events\.k8s\.io\/v1\/events\?.*fieldSelector=type%3DWarning/,
    );
  });

  it('fails, naming the list, when it may not list Events', async () => {
    const { connection } = await start((_request, response) => {
      answerJson(response, 403, { kind: 'Status', message: 'events.events.k8s.io is forbidden' });
    });
    await expect(recordedFailures(new KubeRest(connection))).rejects.toThrow(
      /events.*403|403.*events/,
    );
  });
});
