import { afterAll, describe, expect, it } from 'vitest';
import { kubeClients } from '../../providers/kubernetes/clients.ts';
import { loadKubeConfig } from '../../providers/kubernetes/kubeconfig.ts';
import { resourcePath, resources } from '../../providers/kubernetes/resources.ts';
import { openRequest, readText } from '../../providers/node-http.ts';
import { admin, eventually, kube } from '../support/integration.ts';

// A priority level of the API server's Priority and Fairness with a few seats, no queue and
// nothing to borrow, for the CCM's identity alone: what it cannot run at once, it rejects (429).
const name = 'metal-ccm-test-reject';
const flowcontrol = '/apis/flowcontrol.apiserver.k8s.io/v1';
const everything = { verbs: ['*'], apiGroups: ['*'], resources: ['*'], clusterScope: true };
const ccmAccount = { namespace: 'kube-system', name: 'cloud-controller-manager' };

afterAll(async () => {
  for (const kind of ['flowschemas', 'prioritylevelconfigurations'])
    await admin()
      .request({ method: 'DELETE', path: `${flowcontrol}/${kind}/${name}` })
      .catch(() => undefined);
});

/** The API server's figure for the level (summed over its series), undefined when it has none. */
async function levelMetric(metric: string): Promise<number | undefined> {
  const connection = loadKubeConfig({ kubeconfig: kube().adminKubeconfig, env: {} });
  const { headers, agent } = await connection.credentials();
  const url = new URL(`${connection.server}/metrics`);
  const lines = (await readText(await openRequest(url, { method: 'GET', headers, agent })))
    .split('\n')
    .filter((line) => line.startsWith(`${metric}{`) && line.includes(`priority_level="${name}"`));
  return lines.length === 0
    ? undefined
    : lines.reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

async function installRejectingLevel(): Promise<void> {
  const apiVersion = 'flowcontrol.apiserver.k8s.io/v1';
  const limited = { nominalConcurrencyShares: 1, lendablePercent: 0, borrowingLimitPercent: 0 };
  await admin().request({
    method: 'POST',
    path: `${flowcontrol}/prioritylevelconfigurations`,
    body: {
      apiVersion,
      kind: 'PriorityLevelConfiguration',
      metadata: { name },
      spec: { type: 'Limited', limited: { ...limited, limitResponse: { type: 'Reject' } } },
    },
  });
  await admin().request({
    method: 'POST',
    path: `${flowcontrol}/flowschemas`,
    body: {
      apiVersion,
      kind: 'FlowSchema',
      metadata: { name },
      spec: {
        priorityLevelConfiguration: { name },
        matchingPrecedence: 100,
        distinguisherMethod: { type: 'ByUser' },
        rules: [
          {
            subjects: [{ kind: 'ServiceAccount', serviceAccount: ccmAccount }],
            resourceRules: [{ ...everything, namespaces: ['*'] }],
          },
        ],
      },
    },
  });
  await eventually(
    () => levelMetric('apiserver_flowcontrol_nominal_limit_seats'),
    10_000,
    'the level',
  );
}

describe("the API server's Priority and Fairness", () => {
  it('rejects what the CCM sends at once beyond its seats; the client waits and every request is served', async () => {
    const heard: string[] = [];
    const connection = loadKubeConfig({ kubeconfig: kube().ccmKubeconfig, env: {} });
    const ccm = kubeClients(connection, { qps: -1, burst: 1 }, (client, status) => {
      heard.push(`${client} ${String(status)}`);
    }).loops;
    const path = resourcePath(resources.Node, {});
    const flood = () =>
      Promise.all(
        Array.from({ length: 30 }, () =>
          ccm.request<{ kind: string }>({ method: 'GET', path, query: { limit: 500 } }),
        ),
      );
    // Its connections open first: then the next 30 requests reach the server at once.
    await flood();
    await installRejectingLevel();
    const lists = await flood();
    expect(lists.map((list) => list.kind)).toEqual(Array<string>(30).fill('NodeList'));
    const rejected = await levelMetric('apiserver_flowcontrol_rejected_requests_total');
    expect(rejected).toBeGreaterThan(0);
    // Each one the client heard of, for its metric (metal_ccm_kubernetes_api_retries_total).
    expect(heard.length).toBe(rejected);
    expect(new Set(heard)).toEqual(new Set(['loops 429']));
  });
});
