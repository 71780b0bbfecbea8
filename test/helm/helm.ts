import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { format, resolveConfig } from 'prettier';
import { parseAllDocuments } from 'yaml';
import { builtTool } from '../support/built-tool.ts';

const run = promisify(execFile);
const repo = join(import.meta.dirname, '..', '..');
export const chartDir = join(repo, 'deploy', 'chart');
export const manifestPath = join(repo, 'deploy', 'template', 'deployment.yaml');
export const metallbManifestPath = join(repo, 'deploy', 'template', 'metallb.yaml');

/** helm, built from source by build-helm.sh (once; cached outside the repository). */
export function helmPath(): string {
  return builtTool(join(import.meta.dirname, 'build-helm.sh'), 'helm');
}

/** `helm lint` of the chart with values: its output (it throws when the chart fails). */
export async function lintChart(values: Readonly<Record<string, string>>): Promise<string> {
  const set = Object.entries(values).flatMap(([k, v]) => ['--set', `${k}=${v}`]);
  const { stdout } = await run(helmPath(), ['lint', '--strict', chartDir, ...set]);
  return stdout;
}

/** `helm template` of the chart into a namespace (kube-system) with `--set` values; `# Source:` lines dropped. */
export async function renderChart(
  values: Readonly<Record<string, string>>,
  namespace = 'kube-system',
  release = 'metal-ccm',
): Promise<string> {
  const set = Object.entries(values).flatMap(([k, v]) => ['--set', `${k}=${v}`]);
  const { stdout } = await run(helmPath(), [
    'template',
    release,
    chartDir,
    '--namespace',
    namespace,
    ...set,
  ]);
  return stdout
    .split('\n')
    .filter((line) => !line.startsWith('# Source: '))
    .join('\n');
}

const header = (what: string): string =>
  `# equinix-metal-ccm: ${what}\n# Generated from deploy/chart by \`npm run deploy:update\`: edit the chart, not this file.\n`;

async function formatted(path: string, text: string): Promise<string> {
  return format(text, { ...(await resolveConfig(path)), filepath: path });
}

/** The documents of a rendered chart that pass `keep`, as YAML text. */
function documentsOf(text: string, keep: (kind: string) => boolean): string {
  return parseAllDocuments(text)
    .filter((d) => {
      const kind = (d.toJS() as { kind?: string } | null)?.kind;
      return kind !== undefined && keep(kind);
    })
    .map((d) => d.toString())
    .join('---\n');
}

/**
 * deploy/template/deployment.yaml as it must be: the chart rendered for the upstream Secret
 * (`metal-cloud-config`) without MetalLB, so that it owns no namespace but its own.
 */
export async function renderedManifest(): Promise<string> {
  const text = await renderChart({ existingSecret: 'metal-cloud-config' });
  return formatted(
    manifestPath,
    header('identity, RBAC and the Deployment; apply after the config Secret (secret.yaml).') +
      text.replace(/^---\n/, ''),
  );
}

/**
 * deploy/template/metallb.yaml: the Role and RoleBinding that let the CCM edit its own objects in
 * `metallb-system`; apply it once MetalLB (and its namespace) is installed.
 */
export async function renderedMetalLBManifest(): Promise<string> {
  const text = await renderChart({
    existingSecret: 'metal-cloud-config',
    'metallb.enabled': 'true',
  });
  const onlyMetalLB = documentsOf(text, () => true)
    .split('---\n')
    .filter((d) => d.includes('namespace: metallb-system'))
    .join('---\n');
  return formatted(
    metallbManifestPath,
    header('the Role and RoleBinding in MetalLB’s namespace; apply once MetalLB is installed.') +
      onlyMetalLB,
  );
}
