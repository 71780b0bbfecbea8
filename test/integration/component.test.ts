import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/emulator.ts';
import { syntheticProject, syntheticWorld } from '../../emulator/synthetic.ts';
import { resourcePath, resources } from '../../providers/kubernetes/resources.ts';
import { createLoadBalancerService } from '../support/kube-rest.ts';
import { freePort, launch, type Launched } from '../support/launch.ts';
import { admin, eventually, forceDelete, kube, unique } from '../support/integration.ts';
import { everyUpstreamFlag, upstreamCommand } from '../upstream/upstream.ts';

const token = 'component-token';
const insecure = new Agent({ connect: { rejectUnauthorized: false } });
let emulator: Emulator;
let dir: string;
const running: Launched[] = [];

/** The upstream README's minimal Secret, and where the emulator is. */
async function secretFile(extra: Record<string, unknown> = {}): Promise<string> {
  const path = join(dir, `${unique('cloud-sa')}.json`);
  await writeFile(
    path,
    JSON.stringify({
      apiKey: token,
      projectID: syntheticProject,
      'base-url': emulator.url,
      ...extra,
    }),
  );
  return path;
}

async function get(url: string, bearer?: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url, {
    dispatcher: insecure,
    ...(bearer === undefined ? {} : { headers: { authorization: `Bearer ${bearer}` } }),
  });
  return { status: response.status, text: await response.text() };
}

/** A token of a new service account, bound (or not) to the CCM's metrics-reader ClusterRole. */
async function serviceAccountToken(bound: boolean): Promise<string> {
  const name = unique('scraper');
  await admin().request({
    method: 'POST',
    path: '/api/v1/namespaces/default/serviceaccounts',
    body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } },
  });
  if (bound)
    await admin().request({
      method: 'POST',
      path: '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'metal-ccm:kube-system:metal-ccm:metrics-reader',
        },
        subjects: [{ kind: 'ServiceAccount', name, namespace: 'default' }],
      },
    });
  const answer = await admin().request<{ status: { token: string } }>({
    method: 'POST',
    path: `/api/v1/namespaces/default/serviceaccounts/${name}/token`,
    body: {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { expirationSeconds: 3600 },
    },
  });
  return answer.status.token;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'metal-ccm-component-'));
  emulator = await startEmulator({ world: syntheticWorld({ devices: 1, reservations: 0 }), token });
});

afterAll(async () => {
  for (const r of running) await r.stop();
  await emulator.close();
  await insecure.close();
});

function started(args: readonly string[], env: Record<string, string> = {}): Launched {
  const launched = launch(args, { KUBECONFIG: kube().ccmKubeconfig, ...env });
  running.push(launched);
  return launched;
}

describe('a true drop-in for the upstream CCM, on a real API server', () => {
  it('starts with the upstream manifest’s command and minimal Secret, serves HTTPS as a component, and waits for a location it lacks', async () => {
    const port = await freePort();
    // The upstream README's minimal Secret, with a load balancer (still no metro or facility).
    const cloudConfig = await secretFile({ loadbalancer: 'kube-vip://' });
    // Upstream's arguments as they are; then where to listen (a free port, not the shared 10258).
    const ccm = started(
      [
        ...upstreamCommand
          .slice(1)
          .map((a) => a.replace('/etc/cloud-sa/cloud-sa.json', cloudConfig)),
        `--secure-port=${String(port)}`,
        '--bind-address=127.0.0.1',
      ],
      { METAL_METADATA_URL: `${new URL(emulator.url).origin}/_metadata/not-this-host/metadata` },
    );
    const base = `https://127.0.0.1:${String(port)}`;
    await eventually(
      async () => (await get(`${base}/readyz`)).status === 200,
      30_000,
      `ready (${ccm.output()})`,
    );
    expect(ccm.output()).toMatch(
      /^I\d{4} [\d:.]+ +\d+ [\w.-]+:\d+\] "serving \/healthz, \/livez, \/readyz and \/metrics" secure="https:/m,
    );

    // /metrics: anonymous is refused (403), a bad token is 401, a token with the RBAC reads it.
    expect((await get(`${base}/metrics`)).status).toBe(403);
    expect((await get(`${base}/metrics`, 'not-a-token')).status).toBe(401);
    expect((await get(`${base}/metrics`, await serviceAccountToken(false))).status).toBe(403);
    const allowed = await get(`${base}/metrics`, await serviceAccountToken(true));
    expect(allowed.status).toBe(200);
    expect(allowed.text).toContain('metal_ccm_reconcile_loops_total');
    expect((await get(`${base}/healthz`)).text).toBe('ok\n');
    expect((await get(`${base}/livez?verbose`)).text).toContain('[+]reconcile-loop ok');

    // No metro in the Secret: a Service that needs one gets a Warning and waits; nothing is requested.
    const service = unique('nowhere');
    await createLoadBalancerService(admin(), service);
    try {
      const warned = await eventually(
        async () => {
          const list = await admin().request<{
            items: { reason?: string; note?: string; regarding?: { name?: string } }[];
          }>({ method: 'GET', path: resourcePath(resources.Event, { namespace: 'default' }) });
          return list.items.find(
            (e) => e.regarding?.name === service && e.reason === 'InvalidElasticIPLocation',
          );
        },
        30_000,
        'a Warning about the missing location',
      );
      expect(warned.note).toMatch(/no metro or facility/);
      expect(emulator.counters()['requestIPReservation'] ?? 0).toBe(0);
      expect(emulator.counters()['metadata']).toBe(1);
    } finally {
      await forceDelete(resourcePath(resources.Service, { namespace: 'default', name: service }));
    }
    expect(await ccm.stop()).toBe(0);
  });

  it('starts with every flag of the upstream binary, naming once those that have no effect here', async () => {
    const port = await freePort();
    const ccm = started(
      everyUpstreamFlag({
        'cloud-config': await secretFile({ metro: 'da' }),
        kubeconfig: kube().ccmKubeconfig,
        master: kube().server,
        'authentication-kubeconfig': kube().ccmKubeconfig,
        'authorization-kubeconfig': kube().ccmKubeconfig,
        'cert-dir': dir,
        'secure-port': String(port),
      }),
    );
    await eventually(
      async () => (await get(`https://127.0.0.1:${String(port)}/readyz`)).status === 200,
      30_000,
      `ready (${ccm.output()})`,
    );
    const lines = ccm
      .output()
      .split('\n')
      .filter((l) => l.includes('have no effect here'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('--concurrent-service-syncs');
    expect(lines[0]).toContain('--webhooks');
    expect(lines[0]).not.toContain('--kube-api-qps');
    // --logging-format=json is among them: one JSON object per line.
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ level: 'info' });
    // --cert-dir: the self-signed pair is kept there.
    expect(await readFile(join(dir, 'cloud-controller-manager.crt'), 'utf8')).toContain(
      'BEGIN CERTIFICATE',
    );
    expect(await ccm.stop()).toBe(0);
  });
});
