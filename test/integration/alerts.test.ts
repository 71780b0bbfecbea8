import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Histogram } from 'prom-client';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../../engine/run/metrics.ts';
import { renderChart } from '../helm/helm.ts';
import { promtool } from '../promtool/promtool.ts';

interface Rule {
  alert: string;
  expr: string;
  annotations: Record<string, string>;
}
interface PrometheusRule {
  kind: string;
  metadata: { labels: Record<string, string> };
  spec: { groups: { name: string; rules: Rule[] }[] };
}
interface Dashboard {
  panels: { title: string; targets: { expr: string }[] }[];
}

const testsFile = join(import.meta.dirname, '..', 'promtool', 'alerts.test.yaml');
/** The gauges of the Service and BGP health work (branch cockpit), which the alerts watch too. */
const cockpitMetrics = [
  'metal_ccm_bgp_sessions',
  'metal_ccm_services_pending',
  'metal_ccm_services_pending_max_age_seconds',
  'metal_ccm_services_over_eip_limit',
  'metal_ccm_sync_period_seconds',
];
let dir: string;
let rules: Rule[];
let dashboard: { labels: Record<string, string>; json: Dashboard };

/** Every metal_ccm_ metric the CCM exports (a histogram's series by their suffixes). */
function knownMetrics(): Set<string> {
  const names = createMetrics()
    .registry.getMetricsAsArray()
    .flatMap((m) =>
      m instanceof Histogram ? ['_bucket', '_sum', '_count'].map((s) => m.name + s) : [m.name],
    );
  return new Set([...names, ...cockpitMetrics]);
}

const metricsIn = (expr: string): string[] => expr.match(/\bmetal_ccm_[a-z_]+/g) ?? [];

async function rendered<T>(values: Record<string, string>, kind: string): Promise<T> {
  const text = await renderChart({ existingSecret: 'metal-cloud-config', ...values });
  const docs = parseAllDocuments(text).map((d) => d.toJS() as { kind?: string } | null);
  const found = docs.filter((d) => d?.kind === kind);
  expect(found).toHaveLength(1);
  return found[0] as T;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'metal-ccm-alerts-'));
  const rule = await rendered<PrometheusRule>(
    { 'prometheusRule.enabled': 'true', 'prometheusRule.labels.release': 'prom' },
    'PrometheusRule',
  );
  expect(rule.metadata.labels['release']).toBe('prom');
  await writeFile(join(dir, 'rules.yaml'), stringify(rule.spec));
  await copyFile(testsFile, join(dir, 'alerts.test.yaml'));
  rules = rule.spec.groups.flatMap((g) => g.rules);
  const map = await rendered<{
    metadata: { labels: Record<string, string> };
    data: Record<string, string>;
  }>({ 'dashboard.enabled': 'true' }, 'ConfigMap');
  dashboard = {
    labels: map.metadata.labels,
    json: JSON.parse(map.data['equinix-metal-ccm.json'] ?? '') as Dashboard,
  };
});

describe('the chart’s alerts, checked by promtool', () => {
  it('are valid rules (promtool check rules)', () => {
    const { code, output } = promtool(['check', 'rules', 'rules.yaml'], dir);
    expect(output).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(code).toBe(0);
  });

  it('fire on their trouble and stay quiet otherwise (promtool test rules)', () => {
    const { code, output } = promtool(['test', 'rules', 'alerts.test.yaml'], dir);
    expect(output).toContain('SUCCESS');
    expect(code).toBe(0);
  });

  it('each have a unit test, a runbook in the README that their annotation links to, and known metrics', async () => {
    const tested = new Set(
      (
        parse(await readFile(testsFile, 'utf8')) as {
          tests: { alert_rule_test: { alertname: string }[] }[];
        }
      ).tests.flatMap((t) => t.alert_rule_test.map((a) => a.alertname)),
    );
    const readme = await readFile(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const known = knownMetrics();
    for (const rule of rules) {
      expect(tested, rule.alert).toContain(rule.alert);
      expect(readme, rule.alert).toContain(`\n#### ${rule.alert}\n`);
      expect(rule.annotations['runbook_url']).toMatch(
        new RegExp(`README\\.md#${rule.alert.toLowerCase()}$`),
      );
      for (const metric of metricsIn(rule.expr)) expect(known, rule.alert).toContain(metric);
    }
  });
});

describe('the chart’s dashboard', () => {
  it('is a ConfigMap for Grafana’s sidecar whose queries are valid PromQL of known metrics', async () => {
    expect(dashboard.labels['grafana_dashboard']).toBe('1');
    const exprs = dashboard.json.panels.flatMap((p) => p.targets.map((t) => t.expr));
    expect(exprs.length).toBeGreaterThan(10);
    // Each query as a recording rule, so promtool's parser checks it ($namespace as Grafana fills it).
    const recorded = exprs.map((expr, i) => ({
      record: `dashboard:query_${i}`,
      expr: expr.replaceAll('$namespace', '.*'),
    }));
    await writeFile(
      join(dir, 'dashboard.yaml'),
      stringify({ groups: [{ name: 'dashboard', rules: recorded }] }),
    );
    const { code, output } = promtool(['check', 'rules', 'dashboard.yaml'], dir);
    expect(output).toContain(`SUCCESS: ${exprs.length} rules found`);
    expect(code).toBe(0);
    const known = knownMetrics();
    for (const expr of exprs)
      for (const metric of metricsIn(expr)) expect(known, expr).toContain(metric);
    const titles = dashboard.json.panels.map((p) => p.title).join('\n');
    for (const shown of [
      'Loop duration',
      'Age of the last loop',
      'Metal API calls by operation and outcome',
      'Plan sizes',
      'Services pending',
      'BGP sessions by state',
      'Kubernetes API requests sent again',
    ])
      expect(titles).toContain(shown);
  });
});
