import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/emulator.ts';
import { syntheticProject, syntheticWorld } from '../../emulator/synthetic.ts';
import type { KubernetesObject } from '../../model/kubernetes.ts';
import { collectionPath } from '../support/kube-rest.ts';
import {
  lintChart,
  manifestPath,
  metallbManifestPath,
  renderChart,
  renderedManifest,
  renderedMetalLBManifest,
} from '../helm/helm.ts';
import { spawnDaemon } from '../support/daemon-process.ts';
import { admin, eventually, kube, metric } from '../support/integration.ts';

type Doc = KubernetesObject & { spec?: { template?: { spec?: PodSpec }; strategy?: unknown } };
interface PodSpec {
  priorityClassName?: string;
  tolerations?: { key?: string }[];
  containers?: { args?: string[]; command?: string[] }[];
}

const documents = (text: string): Doc[] =>
  parseAllDocuments(text)
    .map((d) => d.toJS() as Doc | null)
    .filter((o): o is Doc => o !== null);

const pathOf = (o: KubernetesObject): string =>
  `${collectionPath(o.apiVersion ?? '', o.kind ?? '', o.metadata?.namespace)}/${o.metadata?.name ?? ''}`;

/**
 * Server-side applies each object with strict field validation: the API server checks every field
 * (an unknown or misspelt one is an error); a dry run persists nothing.
 */
async function accepted(objects: readonly KubernetesObject[], dryRun = true): Promise<string[]> {
  const refused: string[] = [];
  for (const o of objects) {
    await admin()
      .request({
        method: 'PATCH',
        path: pathOf(o),
        body: o,
        contentType: 'application/apply-patch+yaml',
        query: {
          fieldManager: 'deploy-test',
          ...(dryRun ? { dryRun: 'All' } : {}),
          fieldValidation: 'Strict',
          force: true,
        },
      })
      .catch((error: unknown) =>
        refused.push(`${o.kind ?? ''} ${o.metadata?.name ?? ''}: ${String(error)}`),
      );
  }
  return refused;
}

const matrix: Record<string, Record<string, string>> = {
  'defaults, token and project from values': { apiKey: 'token', projectID: 'project' },
  'an existing Secret, kube-vip, control-plane EIP, metro': {
    existingSecret: 'metal-cloud-config',
    loadBalancer: 'kube-vip://',
    eipTag: 'cp-eip',
    apiServerPort: '6443',
    metro: 'da',
  },
  'MetalLB ConfigMap, its namespace created, BGP options, lookup of the client CA': {
    apiKey: 'token',
    projectID: 'project',
    loadBalancer: 'metallb:///metallb-system/config',
    'metallb.enabled': 'true',
    'metallb.createNamespace': 'true',
    'bgp.password': 'secret',
    'bgp.localASN': '65100',
    'bgp.nodeSelector': 'bgp=on',
    'authentication.skipLookup': 'false',
  },
  'MetalLB CRDs, three replicas, scheduling and extra flags': {
    existingSecret: 'metal-cloud-config',
    loadBalancer: 'metallb:///metallb-system?crdConfiguration=true',
    'metallb.enabled': 'true',
    replicas: '3',
    facility: 'da11',
    'nodeSelector.node-role\\.kubernetes\\.io/control-plane': '',
    'tolerations[0].key': 'dedicated',
    'tolerations[0].operator': 'Exists',
    'resources.limits.memory': '512Mi',
    'extraArgs[0]': '--sync-period=1m',
    'image.tag': 'test',
  },
};

const other = 'ccm-elsewhere';
afterAll(async () => {
  await admin()
    .request({ method: 'DELETE', path: `/api/v1/namespaces/${other}` })
    .catch(() => undefined);
  for (const o of documents(await renderChart({ existingSecret: 'x' }, other)))
    if (o.metadata?.namespace === undefined)
      await admin()
        .request({ method: 'DELETE', path: pathOf(o) })
        .catch(() => undefined);
});

describe('deploy/: the manifests and the chart, on a real API server', () => {
  it('deploy/template/*.yaml are the chart rendered for them (npm run deploy:update)', async () => {
    expect(await readFile(manifestPath, 'utf8')).toBe(await renderedManifest());
    expect(await readFile(metallbManifestPath, 'utf8')).toBe(await renderedMetalLBManifest());
  });

  it('the check refuses a misspelt field (so an accepted manifest means something)', async () => {
    const [deployment] = documents(await renderChart({ existingSecret: 'x' })).filter(
      (o) => o.kind === 'Deployment',
    );
    const typo = { ...deployment, spec: { ...(deployment as { spec: object }).spec, replica: 2 } };
    expect(await accepted([typo as KubernetesObject])).toEqual([
      expect.stringMatching(/\.spec\.replica: field not declared in schema/),
    ]);
  });

  it('the API server accepts deploy/template/*.yaml, which own no namespace (deleting them leaves MetalLB)', async () => {
    const dir = join(manifestPath, '..');
    const objects = [
      ...documents(await readFile(join(dir, 'secret.yaml'), 'utf8')),
      ...documents(await readFile(manifestPath, 'utf8')),
      ...documents(await readFile(metallbManifestPath, 'utf8')),
    ];
    expect(objects.map((o) => o.kind)).toEqual(
      expect.arrayContaining(['Secret', 'ClusterRole', 'Deployment', 'Role']),
    );
    expect(objects.filter((o) => o.kind === 'Namespace')).toEqual([]);
    expect(await accepted(objects)).toEqual([]);
  });

  it('runs upstream’s command in the image’s folder, on a rolling update that works on one node', async () => {
    const [deployment] = documents(await readFile(manifestPath, 'utf8')).filter(
      (o) => o.kind === 'Deployment',
    );
    const pod = deployment?.spec?.template?.spec;
    expect(pod?.containers?.[0]?.command).toEqual(['./cloud-provider-equinix-metal']);
    expect(pod?.containers?.[0]?.args).toEqual(
      expect.arrayContaining([
        '--cloud-provider=equinixmetal',
        '--cloud-config=/etc/cloud-sa/cloud-sa.json',
        '--authentication-skip-lookup=true',
      ]),
    );
    expect(pod?.priorityClassName).toBe('system-cluster-critical');
    expect(deployment?.spec?.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 0, maxUnavailable: 1 },
    });
  });

  it('helm lint --strict finds nothing to warn about, in every values combination', async () => {
    for (const values of Object.values(matrix)) {
      const output = await lintChart(values);
      expect(output).toContain('0 chart(s) failed');
      expect(output).not.toMatch(/\[(WARNING|ERROR)\]/);
    }
  });

  for (const [name, values] of Object.entries(matrix)) {
    it(`the API server accepts the chart rendered with ${name}, in kube-system and elsewhere`, async () => {
      for (const namespace of ['kube-system', other]) {
        const objects = documents(await renderChart(values, namespace));
        expect(objects.some((o) => o.kind === 'Deployment')).toBe(true);
        await admin()
          .request({
            method: 'POST',
            path: '/api/v1/namespaces',
            body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
          })
          .catch(() => undefined);
        expect(await accepted(objects)).toEqual([]);
      }
    });
  }

  it('keeps the tolerations the CCM needs and adds the user’s', async () => {
    const pod = documents(
      await renderChart(matrix['MetalLB CRDs, three replicas, scheduling and extra flags'] ?? {}),
    ).find((o) => o.kind === 'Deployment')?.spec?.template?.spec;
    expect(pod?.tolerations?.map((t) => t.key)).toEqual([
      'node.cloudprovider.kubernetes.io/uninitialized',
      'node.kubernetes.io/not-ready',
      'node-role.kubernetes.io/control-plane',
      'node-role.kubernetes.io/master',
      'CriticalAddonsOnly',
      'dedicated',
    ]);
  });

  it('names its cluster-scoped objects by release and namespace, and puts the Lease in its namespace', async () => {
    const names = async (release: string, namespace: string): Promise<string[]> =>
      documents(await renderChart({ existingSecret: 'x' }, namespace, release))
        .filter((o) => o.metadata?.namespace === undefined || o.metadata.namespace !== namespace)
        .map((o) => `${o.kind ?? ''}/${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`);
    const releases = [
      await names('a', 'kube-system'),
      await names('b', 'kube-system'),
      await names('a', other),
    ];
    for (const [i, mine] of releases.entries())
      for (const theirs of releases.slice(i + 1))
        expect(mine.filter((n) => theirs.includes(n))).toEqual([]);
    const pod = documents(await renderChart({ existingSecret: 'x' }, other)).find(
      (o) => o.kind === 'Deployment',
    )?.spec?.template?.spec;
    expect(pod?.containers?.[0]?.args).toContain(`--leader-elect-resource-namespace=${other}`);
  });

  it('installed in another namespace, leads there with only the chart’s RBAC', async () => {
    const objects = documents(await renderChart({ existingSecret: 'x' }, other)).filter(
      (o) => o.kind !== 'Deployment',
    );
    expect(await accepted(objects, false)).toEqual([]);
    const token = await admin().request<{ status: { token: string } }>({
      method: 'POST',
      path: `/api/v1/namespaces/${other}/serviceaccounts/cloud-controller-manager/token`,
      body: {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: { expirationSeconds: 3600 },
      },
    });
    const dir = await mkdtemp(join(tmpdir(), 'metal-ccm-elsewhere-'));
    const kubeconfig = join(dir, 'kubeconfig');
    const ccm = await readFile(kube().ccmKubeconfig, 'utf8');
    await writeFile(kubeconfig, ccm.replace(/token: "[^"]+"/, `token: "${token.status.token}"`));
    const emulator = await startEmulator({
      world: syntheticWorld({ devices: 1, reservations: 0 }),
      token: 'elsewhere-token',
    });
    const daemon = await spawnDaemon({
      kubeconfig,
      baseURL: emulator.url,
      config: { apiKey: 'elsewhere-token', projectID: syntheticProject, metro: 'da' },
      args: ['--leader-elect=true', `--leader-elect-resource-namespace=${other}`],
    });
    try {
      await eventually(
        async () =>
          (await metric(daemon.healthUrl, 'metal_ccm_leader_election_master_status')) === 1,
        20_000,
        'the CCM to lead',
      );
      const lease = await admin().request<{ spec: { holderIdentity?: string } }>({
        method: 'GET',
        path: `/apis/coordination.k8s.io/v1/namespaces/${other}/leases/cloud-controller-manager`,
      });
      expect(lease.spec.holderIdentity).toBeTruthy();
      // Readiness follows the first loop as leader (its Metal observation), so it is waited for.
      await eventually(
        async () => {
          const ready = await fetch(`${daemon.healthUrl}/readyz?verbose`);
          if (ready.status !== 200)
            throw new Error(`${String(ready.status)}: ${await ready.text()}`);
          return true;
        },
        20_000,
        'the CCM to be ready',
      );
    } finally {
      await daemon.stop();
      await emulator.close();
    }
  });

  it('the chart refuses what cannot work: no credentials, several replicas without leader election', async () => {
    await expect(renderChart({})).rejects.toThrow(/set apiKey and projectID, or existingSecret/);
    await expect(
      renderChart({
        existingSecret: 'x',
        replicas: '2',
        'leaderElection.enabled': 'false',
      }),
    ).rejects.toThrow(/needs leaderElection.enabled/);
  });
});
