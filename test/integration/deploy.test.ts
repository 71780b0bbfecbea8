import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { KubernetesObject } from '../../model/kubernetes.ts';
import { collectionPath } from '../kube/harness.ts';
import { lintChart, manifestPath, renderChart, renderedManifest } from '../helm/helm.ts';
import { admin } from '../support/integration.ts';

const documents = (text: string): KubernetesObject[] =>
  parseAllDocuments(text)
    .map((d) => d.toJS() as KubernetesObject | null)
    .filter((o): o is KubernetesObject => o !== null);

/**
 * Server-side applies each object as a dry run with strict field validation: the API server checks
 * every field (an unknown or misspelt one is an error) and persists nothing.
 */
async function accepted(objects: readonly KubernetesObject[]): Promise<string[]> {
  const refused: string[] = [];
  for (const o of objects) {
    const path = `${collectionPath(o.apiVersion ?? '', o.kind ?? '', o.metadata?.namespace)}/${o.metadata?.name ?? ''}`;
    await admin()
      .request({
        method: 'PATCH',
        path,
        body: o,
        contentType: 'application/apply-patch+yaml',
        query: {
          fieldManager: 'deploy-test',
          dryRun: 'All',
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
  'MetalLB ConfigMap, its namespace created, BGP options': {
    apiKey: 'token',
    projectID: 'project',
    loadBalancer: 'metallb:///metallb-system/config',
    'metallb.enabled': 'true',
    'metallb.createNamespace': 'true',
    'bgp.password': 'secret',
    'bgp.localASN': '65100',
    'bgp.nodeSelector': 'bgp=on',
  },
  'MetalLB CRDs, three replicas, scheduling and extra flags': {
    existingSecret: 'metal-cloud-config',
    loadBalancer: 'metallb:///metallb-system?crdConfiguration=true',
    'metallb.enabled': 'true',
    replicas: '3',
    facility: 'da11',
    'nodeSelector.node-role\\.kubernetes\\.io/control-plane': '',
    'resources.limits.memory': '512Mi',
    'extraArgs[0]': '--sync-period=1m',
    'image.tag': 'test',
  },
};

describe('deploy/: the manifests and the chart, on a real API server', () => {
  it('deploy/template/deployment.yaml is the chart rendered for it (npm run deploy:update)', async () => {
    expect(await readFile(manifestPath, 'utf8')).toBe(await renderedManifest());
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

  it('the API server accepts deploy/template/*.yaml', async () => {
    const dir = join(manifestPath, '..');
    const objects = [
      ...documents(await readFile(join(dir, 'secret.yaml'), 'utf8')),
      ...documents(await readFile(manifestPath, 'utf8')),
    ];
    expect(objects.map((o) => o.kind)).toEqual(
      expect.arrayContaining(['Secret', 'ClusterRole', 'Deployment', 'Role']),
    );
    expect(await accepted(objects)).toEqual([]);
  });

  it('helm lint --strict finds nothing to warn about, in every values combination', async () => {
    for (const values of Object.values(matrix)) {
      const output = await lintChart(values);
      expect(output).toContain('0 chart(s) failed');
      expect(output).not.toMatch(/\[(WARNING|ERROR)\]/);
    }
  });

  for (const [name, values] of Object.entries(matrix)) {
    it(`the API server accepts the chart rendered with ${name}`, async () => {
      const objects = documents(await renderChart(values));
      expect(objects.some((o) => o.kind === 'Deployment')).toBe(true);
      expect(await accepted(objects)).toEqual([]);
    });
  }

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
