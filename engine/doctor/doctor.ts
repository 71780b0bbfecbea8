import type { Check } from './check.ts';
import type { DoctorFacts } from './facts.ts';
import { accessCheck, apiServerPortCheck, kubernetesCheck, leaseCheck } from './kube-checks.ts';
import { loadBalancerCheck } from './load-balancer-checks.ts';
import { metalChecks } from './metal-checks.ts';
import { duplicateHostnamesCheck, externalProviderCheck, nodeDevicesCheck } from './node-checks.ts';

/** Every check, in the order they print: Metal, Kubernetes, Nodes, the load balancer. */
export function runChecks(facts: DoctorFacts, server: string): Check[] {
  const { settings, kubernetes, metal, now } = facts;
  const checks = [...metalChecks(metal, settings, now), kubernetesCheck(kubernetes, server)];
  checks.push(accessCheck(facts.access), leaseCheck(facts.lease, now));
  if (!kubernetes.ok) return checks;
  const state = kubernetes.value;
  checks.push(apiServerPortCheck(state, settings), externalProviderCheck(state.nodes));
  if (metal.ok)
    checks.push(
      nodeDevicesCheck(state.nodes, metal.value),
      duplicateHostnamesCheck(state.nodes, metal.value),
    );
  checks.push(loadBalancerCheck(state, settings, facts.metallbApi));
  return checks;
}

export const failed = (checks: readonly Check[]): boolean =>
  checks.some((c) => c.status === 'fail');

/** One line per check (`ok`, `warn`, `fail`, its name, what was seen, then how to fix it). */
export function renderText(checks: readonly Check[]): string {
  const lines = checks.map(
    (c) =>
      `${c.status.padEnd(4)}  ${c.name}: ${c.seen}${c.fix === undefined ? '' : ` — fix: ${c.fix}`}`,
  );
  const count = (s: Check['status']) => checks.filter((c) => c.status === s).length;
  lines.push(`${count('ok')} ok, ${count('warn')} warn, ${count('fail')} fail`);
  return `${lines.join('\n')}\n`;
}

export function renderJson(checks: readonly Check[]): string {
  return `${JSON.stringify({ ok: !failed(checks), checks }, null, 2)}\n`;
}
