import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/emulator.ts';
import { syntheticProject, syntheticWorld } from '../../emulator/synthetic.ts';
import { resourcePath, resources } from '../../providers/kubernetes/resources.ts';
import { spawnDaemon, type RunningDaemon } from '../support/daemon-process.ts';
import { freePort, launch, type Launched } from '../support/launch.ts';
import { admin, eventually, kube, metric } from '../support/integration.ts';

const token = 'health-token';
let emulator: Emulator;
let dir: string;
let cloudConfig: string;
const running: (Launched | RunningDaemon)[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'metal-ccm-health-'));
  emulator = await startEmulator({ world: syntheticWorld({ devices: 1, reservations: 0 }), token });
  cloudConfig = join(dir, 'cloud-sa.json');
  await writeFile(
    cloudConfig,
    JSON.stringify({
      apiKey: token,
      projectID: syntheticProject,
      metro: 'da',
      'base-url': emulator.url,
    }),
  );
});

afterAll(async () => {
  for (const r of running) await r.stop();
  await emulator.close();
});

const metalCalls = (): number => Object.values(emulator.counters()).reduce((a, b) => a + b, 0);

async function readyz(port: number): Promise<{ status: number; text: string }> {
  const response = await fetch(`http://127.0.0.1:${String(port)}/readyz`);
  return { status: response.status, text: await response.text() };
}

function ccm(args: readonly string[], env: Record<string, string>): Launched {
  const launched = launch(
    ['run', `--cloud-config=${cloudConfig}`, '--secure-port=0', ...args],
    env,
  );
  running.push(launched);
  return launched;
}

describe('start-up errors name what failed; health tells the truth', () => {
  it('keeps retrying a Kubernetes API it cannot reach, naming the URL and the cause, while /readyz fails', async () => {
    emulator.resetCounters();
    const [apiPort, healthPort] = [await freePort(), await freePort()];
    const kubeconfig = join(dir, 'unreachable.kubeconfig');
    await writeFile(
      kubeconfig,
      `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "https://127.0.0.1:${String(apiPort)}", insecure-skip-tls-verify: true}\nusers:\n- name: u\n  user: {token: "x"}\ncontexts:\n- name: c\n  context: {cluster: c, user: u}\ncurrent-context: c\n`,
    );
    const daemon = ccm(
      [`--kubeconfig=${kubeconfig}`, `--health-address=127.0.0.1:${String(healthPort)}`],
      {},
    );
    const answer = await eventually(
      async () => {
        const r = await readyz(healthPort);
        return r.status === 500 && r.text.includes('ECONNREFUSED') ? r : undefined;
      },
      15_000,
      'a failing /readyz naming the cause',
    );
    expect(answer.text).toContain(
      `[-]kubernetes failed: the Kubernetes API at https://127.0.0.1:${String(apiPort)} cannot be used: connect ECONNREFUSED`,
    );
    await eventually(
      () => (daemon.output().match(/retrying/g) ?? []).length >= 2,
      15_000,
      'a second attempt',
    );
    expect(daemon.process.exitCode).toBeNull();
    expect(metalCalls()).toBe(0);
    expect(await daemon.stop()).toBe(0);
  });

  it('says so, and how to fix it, with no kubeconfig outside a cluster', async () => {
    const daemon = ccm([], { HOME: join(dir, 'nobody') });
    expect(await daemon.exited).toBe(1);
    expect(daemon.output()).toContain(
      'metal-ccm: no kubeconfig: not running in a Pod (KUBERNETES_SERVICE_HOST is not set), and no --kubeconfig, $KUBECONFIG or ~/.kube/config',
    );
  });

  it('names a bad --health-address or --bind-address before any Metal call', async () => {
    emulator.resetCounters();
    const bad = ccm(['--health-address=localhost:http'], { KUBECONFIG: kube().ccmKubeconfig });
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toContain(
      'metal-ccm: --health-address: expected host:port such as 127.0.0.1:10258',
    );
    expect(metalCalls()).toBe(0);
    const busy = await freePort();
    const first = ccm([`--health-address=127.0.0.1:${String(busy)}`, '--leader-elect=false'], {
      KUBECONFIG: kube().ccmKubeconfig,
    });
    await eventually(
      async () => (await readyz(busy).catch(() => ({ status: 0 }))).status !== 0,
      15_000,
      'the first to listen',
    );
    const second = ccm([`--health-address=127.0.0.1:${String(busy)}`], {
      KUBECONFIG: kube().ccmKubeconfig,
    });
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain(
      `metal-ccm: --health-address: cannot listen on 127.0.0.1:${String(busy)} (EADDRINUSE)`,
    );
    await first.stop();
  });

  it('a Lease it may not use fails readiness and leaves one Warning Event on it, not a silent retry', async () => {
    const healthPort = await freePort();
    const daemon = ccm(
      [
        `--health-address=127.0.0.1:${String(healthPort)}`,
        '--leader-elect=true',
        '--leader-elect-resource-name=not-ours',
        '--leader-elect-retry-period=500ms',
        '--leader-elect-renew-deadline=2s',
        '--leader-elect-lease-duration=3s',
      ],
      { KUBECONFIG: kube().ccmKubeconfig },
    );
    const answer = await eventually(
      async () => {
        const r = await readyz(healthPort).catch(() => undefined);
        return r?.text.includes('leader-lease failed') === true ? r : undefined;
      },
      20_000,
      'readiness to fail on the Lease',
    );
    expect(answer.text).toMatch(
      /\[-\]leader-lease failed: the Lease kube-system\/not-ours cannot be read or written: .*403 Forbidden/,
    );
    const event = await eventually(
      async () => {
        const list = await admin().request<{
          items: { reason?: string; type?: string; regarding?: { kind?: string; name?: string } }[];
        }>({ method: 'GET', path: resourcePath(resources.Event, { namespace: 'kube-system' }) });
        return list.items.find(
          (e) => e.reason === 'LeaderElectionForbidden' && e.regarding?.name === 'not-ours',
        );
      },
      15_000,
      'the Warning Event',
    );
    expect(event).toMatchObject({ type: 'Warning', regarding: { kind: 'Lease' } });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(
      daemon
        .output()
        .split('\n')
        .filter((l) => l.startsWith('E') && l.includes('cannot be read or written')),
    ).toHaveLength(1);
    expect(await daemon.stop()).toBe(0);
  });

  it('a standby makes no Metal call; the leader does', async () => {
    const args = [
      '--leader-elect=true',
      '--leader-elect-lease-duration=4s',
      '--leader-elect-renew-deadline=3s',
      '--leader-elect-retry-period=500ms',
    ];
    const config = { apiKey: token, projectID: syntheticProject, metro: 'da' };
    const first = await spawnDaemon({
      kubeconfig: kube().ccmKubeconfig,
      baseURL: emulator.url,
      config,
      args,
    });
    running.push(first);
    const second = await spawnDaemon({
      kubeconfig: kube().ccmKubeconfig,
      baseURL: emulator.url,
      config,
      args,
    });
    running.push(second);
    const leaderOf = async () => {
      const [a, b] = [
        await metric(first.healthUrl, 'metal_ccm_leader_election_master_status'),
        await metric(second.healthUrl, 'metal_ccm_leader_election_master_status'),
      ];
      return a === 1 && b === 0
        ? [first, second]
        : a === 0 && b === 1
          ? [second, first]
          : undefined;
    };
    const [leader, standby] = (await eventually(leaderOf, 20_000, 'one leader')) as [
      RunningDaemon,
      RunningDaemon,
    ];
    await eventually(
      async () =>
        ((await metric(leader.healthUrl, 'metal_ccm_reconcile_loops_total', 'trigger="resync"')) ??
          0) >= 2,
      20_000,
      'two resyncs of the leader',
    );
    expect(await metric(leader.healthUrl, 'metal_ccm_metal_api_requests_total')).toBeGreaterThan(0);
    expect(await metric(standby.healthUrl, 'metal_ccm_metal_api_requests_total')).toBeUndefined();
    expect((await fetch(`${standby.healthUrl}/readyz`)).status).toBe(200);
  });
});
