import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { format, resolveConfig } from 'prettier';

const run = promisify(execFile);
const repo = join(import.meta.dirname, '..', '..');
export const chartDir = join(repo, 'deploy', 'chart');
export const manifestPath = join(repo, 'deploy', 'template', 'deployment.yaml');

/** helm, built from source by build-helm.sh (once; cached outside the repository). */
export function helmPath(): string {
  const script = join(import.meta.dirname, 'build-helm.sh');
  const built = spawnSync(script, [], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const path = built.stdout.trim().split('\n').at(-1);
  if (built.status !== 0 || path === undefined || path === '')
    throw new Error(`building helm failed; run ${script} and read its output`);
  return path;
}

/** `helm lint` of the chart with values: its output (it throws when the chart fails). */
export async function lintChart(values: Readonly<Record<string, string>>): Promise<string> {
  const set = Object.entries(values).flatMap(([k, v]) => ['--set', `${k}=${v}`]);
  const { stdout } = await run(helmPath(), ['lint', '--strict', chartDir, ...set]);
  return stdout;
}

/** `helm template` of the chart into kube-system with `--set` values; `# Source:` lines dropped. */
export async function renderChart(values: Readonly<Record<string, string>>): Promise<string> {
  const set = Object.entries(values).flatMap(([k, v]) => ['--set', `${k}=${v}`]);
  const { stdout } = await run(helmPath(), [
    'template',
    'metal-ccm',
    chartDir,
    '--namespace',
    'kube-system',
    ...set,
  ]);
  return stdout
    .split('\n')
    .filter((line) => !line.startsWith('# Source: '))
    .join('\n');
}

/** The values deploy/template/deployment.yaml is rendered with: the upstream Secret, MetalLB's Role. */
const manifestValues = {
  existingSecret: 'metal-cloud-config',
  'metallb.enabled': 'true',
  'metallb.createNamespace': 'true',
} as const;

const manifestHeader = `# equinix-metal-ccm: identity, RBAC and the Deployment; apply after the config Secret (secret.yaml).
# Generated from deploy/chart by \`npm run deploy:update\`: edit the chart, not this file.
`;

/** deploy/template/deployment.yaml as it must be: the chart rendered for it, formatted. */
export async function renderedManifest(): Promise<string> {
  const text = manifestHeader + (await renderChart(manifestValues)).replace(/^---\n/, '');
  return format(text, { ...(await resolveConfig(manifestPath)), filepath: manifestPath });
}
