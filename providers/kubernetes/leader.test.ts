import { describe, expect, it } from 'vitest';
import { answerJson, useKubeApiStub } from '../../test/support/kube-api-stub.ts';
import { LeaderElector } from './leader.ts';
import { KubeRest } from './rest.ts';

const apiServer = useKubeApiStub();

describe('a leader whose renewals the API server puts off', () => {
  it('stops leading at its renew deadline, not when the server would take a renewal again', async () => {
    let renewals = 0;
    let lease: object | undefined;
    const { connection } = await apiServer((request, response) => {
      if (request.method === 'GET' && lease === undefined) {
        answerJson(response, 404, { kind: 'Status', reason: 'NotFound' });
      } else if (request.method === 'GET') {
        answerJson(response, 200, lease);
      } else if (request.method === 'POST') {
        const spec = { holderIdentity: 'me', leaseDurationSeconds: 1 };
        lease = { metadata: { name: 'ccm', namespace: 'kube-system' }, spec };
        answerJson(response, 201, lease);
      } else {
        renewals++;
        // Priority and Fairness at its longest: come back in 32 s.
        answerJson(response, 429, { kind: 'Status' }, { 'retry-after': '32' });
      }
    });
    const led: string[] = [];
    const elector = new LeaderElector(new KubeRest(connection), {
      namespace: 'kube-system',
      name: 'ccm',
      identity: 'me',
      leaseDurationMs: 1000,
      renewDeadlineMs: 400,
      retryPeriodMs: 100,
      onStartedLeading: () => led.push('started'),
      onStoppedLeading: () => led.push('stopped'),
    });
    const started = Date.now();
    elector.start();
    await expect.poll(() => led, { timeout: 5000, interval: 20 }).toEqual(['started', 'stopped']);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(renewals).toBeGreaterThan(0);
    await elector.stop();
  });
});
