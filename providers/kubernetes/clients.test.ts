import { describe, expect, it } from 'vitest';
import { answerJson, useKubeApiStub } from '../../test/support/kube-api-stub.ts';
import { kubeClients } from './clients.ts';

const apiServer = useKubeApiStub();

describe('the Kubernetes clients', () => {
  it('each has its own rate limit and names itself: Events, the Lease and reviews do not wait behind the loops', async () => {
    const { connection, seen } = await apiServer((_, response) => {
      answerJson(response, 200, {});
    });
    // One request a second, no burst: the loops' second request waits a second.
    const clients = kubeClients(connection, { qps: 1, burst: 1 });
    const path = '/api/v1/namespaces/kube-system';
    void clients.loops.request({ method: 'GET', path });
    void clients.loops.request({ method: 'GET', path });
    await Promise.all([
      clients.events.request({ method: 'GET', path }),
      clients.leaderElection.request({ method: 'GET', path }),
      clients.reviews(connection).request({ method: 'GET', path }),
    ]);
    expect(seen.map((request) => request.headers['user-agent']).sort()).toEqual([
      'equinix-metal-ccm',
      'equinix-metal-ccm/delegated-auth',
      'equinix-metal-ccm/events',
      'equinix-metal-ccm/leader-election',
    ]);
  });
});
