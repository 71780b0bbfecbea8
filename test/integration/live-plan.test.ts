import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/emulator.ts';
import { runCli } from '../../engine/cli/cli.ts';
import { metalWorldSchema } from '../../providers/fixture/metal.ts';
import { resourcePath, resources } from '../../providers/kubernetes/resources.ts';
import { createLoadBalancerService } from '../support/kube-rest.ts';
import { Capture } from '../support/fixture-plan.ts';
import { unstamped } from '../../engine/cli/saved-plan.ts';
import {
  admin,
  eventually,
  forceDelete,
  kube,
  metric,
  startDaemon,
  type RunningDaemon,
} from '../support/integration.ts';

const config = {
  apiKey: 'live-plan-token-5d1e',
  projectID: '0f6b7b9e-2c1a-4e6f-9a57-3f0c1c0d6a11',
  metro: 'da',
  loadbalancer: 'kube-vip://',
  bgpPass: 'LivePlan42Secret',
};
const nodes = ['cp-1', 'worker-1', 'worker-2'];
const services = ['web', 'api', 'cache', 'failing'];
let emulator: Emulator;
let dir: string;
let configPath: string;
let daemon: RunningDaemon | undefined;

/** The command line in-process, as someone with the given kubeconfig: exit code and output. */
async function cli(kubeconfig: string, ...args: string[]) {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runCli(
    [
      ...args,
      `--kubeconfig=${kubeconfig}`,
      `--provider-config=${configPath}`,
      `--base-url=${emulator.url}`,
    ],
    { stdout, stderr, env: {} },
  );
  return { code, out: stdout.text, err: stderr.text };
}
const asPlanner = (...args: string[]) => cli(kube().plannerKubeconfig, ...args);
const asCcm = (...args: string[]) => cli(kube().ccmKubeconfig, ...args);
const writes = () =>
  Object.entries(emulator.counters()).filter(([op]) => /^(request|create|delete)/.test(op));
const ipOf = async (name: string) =>
  (
    await admin().request<{ status?: { loadBalancer?: { ingress?: { ip?: string }[] } } }>({
      method: 'GET',
      path: resourcePath(resources.Service, { namespace: 'default', name }),
    })
  ).status?.loadBalancer?.ingress?.[0]?.ip;

beforeAll(async () => {
  const world = metalWorldSchema.parse(
    JSON.parse(await readFile('fixtures/lb-fresh/metal.json', 'utf8')),
  );
  emulator = await startEmulator({ world, token: config.apiKey });
  dir = await mkdtemp(join(tmpdir(), 'metal-ccm-live-plan-'));
  configPath = join(dir, 'cloud-sa.json');
  await writeFile(configPath, JSON.stringify(config));
  for (const name of nodes)
    await admin().request({
      method: 'POST',
      path: resourcePath(resources.Node),
      body: { apiVersion: 'v1', kind: 'Node', metadata: { name } },
    });
});

afterAll(async () => {
  if (daemon?.process.exitCode === null) await daemon.kill();
  await emulator.close();
  for (const name of nodes) await forceDelete(resourcePath(resources.Node, { name }));
  for (const name of services)
    await forceDelete(resourcePath(resources.Service, { namespace: 'default', name }));
  await forceDelete(
    resourcePath(resources.Lease, { namespace: 'kube-system', name: 'cloud-controller-manager' }),
  );
});

describe('plan, apply and export against the live cluster and project', () => {
  it('plans "No changes" right after the daemon converged, with read-only access', async () => {
    await createLoadBalancerService(admin(), 'web');
    daemon = await startDaemon({ baseURL: emulator.url, config });
    await eventually(async () => (await ipOf('web')) !== undefined, 30_000, 'web to get its IP');
    const running = daemon;
    await eventually(
      async () =>
        ((await metric(
          running.healthUrl,
          'metal_ccm_reconcile_loops_total',
          'result="converged"',
        )) ?? 0) >= 1,
      30_000,
      'the daemon to converge',
    );
    const plan = await asPlanner('plan', '--detailed-exitcode');
    expect(plan.err).toBe('');
    expect(plan.out).toContain('No changes. Cluster is converged.');
    expect(plan.code).toBe(0);
    expect(await daemon.stop()).toBe(0);
    daemon = undefined;
  });

  it('saves a plan and applies exactly it', async () => {
    await createLoadBalancerService(admin(), 'api');
    const out = join(dir, 'api.plan.json');
    const plan = await asPlanner('plan', '--out', out, '--detailed-exitcode');
    expect(plan.code).toBe(2);
    expect(plan.out).toContain('Elastic IP for Service default/api');
    const before = writes();
    const applied = await asCcm('apply', out);
    expect(applied.err).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.out).toMatch(/\+ Elastic IP for Service default\/api: applied/);
    expect(applied.out).toMatch(/Apply complete: \d+ applied, 0 failed, 0 skipped\./);
    expect(writes()).not.toEqual(before);
    const reservations = [...emulator.world.reservations.values()].filter((r) =>
      (r['tags'] as string[]).some((t) => t.startsWith('service=')),
    );
    expect(reservations).toHaveLength(2);
  });

  it('refuses a stale saved plan, saying what changed, and writes nothing', async () => {
    await createLoadBalancerService(admin(), 'cache');
    const out = join(dir, 'cache.plan.json');
    expect((await asPlanner('plan', '--out', out)).code).toBe(0);
    await admin().request({
      method: 'PATCH',
      path: resourcePath(resources.Service, { namespace: 'default', name: 'cache' }),
      body: { metadata: { labels: { touched: 'yes' } } },
      contentType: 'application/merge-patch+json',
    });
    const before = writes();
    const refused = await asCcm('apply', out);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('is stale');
    expect(refused.err).toMatch(/Service default\/cache: changed \(resourceVersion \d+ → \d+\)/);
    expect(writes()).toEqual(before);
  });

  it('refuses to apply while another holder renews the Lease, unless --lock=false', async () => {
    // Another CCM renews the Lease (an earlier apply left it created and released).
    const renewTime = new Date().toISOString().replace('Z', '000Z');
    await admin().request({
      method: 'PATCH',
      path: resourcePath(resources.Lease, {
        namespace: 'kube-system',
        name: 'cloud-controller-manager',
      }),
      body: { spec: { holderIdentity: 'another-ccm', leaseDurationSeconds: 3600, renewTime } },
      contentType: 'application/merge-patch+json',
    });
    const out = join(dir, 'locked.plan.json');
    expect((await asPlanner('plan', '--out', out, '--detailed-exitcode')).code).toBe(2);
    const refused = await asCcm('apply', out);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('held by another-ccm');
    const forced = await asCcm('apply', out, '--lock=false');
    expect(forced.err).toBe('');
    expect(forced.code).toBe(0);
  });

  it('exports the live world as a fixture that plans as the live world does, with no secret', async () => {
    await forceDelete(resourcePath(resources.Service, { namespace: 'default', name: 'web' }));
    const live = await asPlanner('plan', '--output', 'json');
    const exported = join(dir, 'exported');
    const result = await asPlanner('export', exported);
    expect(result.err).toBe('');
    expect(result.out).toMatch(/Exported to .*: 3 Nodes, 3 Services, 3 devices, 3 reservations/);
    const fromFixture = await asPlanner('plan', '--fixture', exported, '--output', 'json');
    const comparable = (text: string) => {
      const { actions, warnings } = JSON.parse(text) as { actions: unknown; warnings: unknown };
      // Each plan stamps the conditions it writes with its own time.
      return unstamped({ actions, warnings });
    };
    expect(comparable(fromFixture.out)).toEqual(comparable(live.out));
    expect(JSON.parse(live.out)).toMatchObject({ summary: { converged: false } });
    for (const file of await readdir(exported)) {
      const text = await readFile(join(exported, file), 'utf8');
      for (const secret of [config.apiKey, config.bgpPass])
        expect(text.includes(secret) || text.includes(Buffer.from(secret).toString('base64'))).toBe(
          false,
        );
    }
  });

  it('plans the control plane as unknown with --no-probes, and probes it once without', async () => {
    configPath = join(dir, 'cloud-sa-control-plane.json');
    await admin().request({
      method: 'PATCH',
      path: resourcePath(resources.Node, { name: 'cp-1' }),
      body: { metadata: { labels: { 'node-role.kubernetes.io/control-plane': '' } } },
      contentType: 'application/merge-patch+json',
    });
    await writeFile(configPath, JSON.stringify({ ...config, eipTag: 'live-plan-cp' }));
    const unprobed = await asPlanner('plan', '--no-probes');
    expect(unprobed.err).toBe('');
    expect(unprobed.out).toContain(
      'not probed (--no-probes): health unknown, an unassigned Elastic IP is not placed',
    );
    const probed = await asPlanner('plan');
    expect(probed.err).toBe('');
    expect(probed.out).not.toContain('not probed');
  });

  it('says which of its changes the CCM already tried and failed, from its Warning Events', async () => {
    emulator.inject('requestIPReservation', { kind: 'status', status: 500, times: 1000 });
    await createLoadBalancerService(admin(), 'failing');
    daemon = await startDaemon({ baseURL: emulator.url, config });
    const failed = () =>
      admin().request<{ items: { reason: string; regarding: { name: string } }[] }>({
        method: 'GET',
        path: resourcePath(resources.Event, { namespace: 'default' }),
        query: { fieldSelector: 'type=Warning' },
      });
    await eventually(
      async () => (await failed()).items.some((e) => e.regarding.name === 'failing'),
      30_000,
      'the CCM to record that its request failed',
    );
    expect(await daemon.stop()).toBe(0);
    daemon = undefined;
    const plan = await asPlanner('plan');
    expect(plan.err).toBe('');
    expect(plan.out).toMatch(
      /! Elastic IP for Service default\/failing: the CCM tried this and failed (once|\d+ times), last at \S+: a LoadBalancer Service has no Elastic IP: .*500/,
    );
    // The read-only identity may list Events, as deploy/template/planner.yaml grants.
    expect(plan.out).not.toContain("the CCM's Warning Events: not read");
    emulator.clearFaults();
    await forceDelete(resourcePath(resources.Service, { namespace: 'default', name: 'failing' }));
  });
});
