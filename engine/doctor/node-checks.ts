import type { V1Node } from '@kubernetes/client-node';
import { nodeMarks } from '../../model/marks/node.ts';
import { deviceFinder } from '../../planners/facts/devices.ts';
import { fail, listed, ok, warn, type Check } from './check.ts';
import type { MetalFacts } from './facts.ts';

const nameOf = (node: V1Node): string => node.metadata?.name ?? '';

/** Kubelets started with `--cloud-provider=external`: the uninitialized taint, or a provider ID. */
export function externalProviderCheck(nodes: readonly V1Node[]): Check {
  const taint = nodeMarks.uninitialized.key;
  const plain = nodes.filter(
    (n) =>
      (n.spec?.providerID ?? '') === '' && !(n.spec?.taints ?? []).some((t) => t.key === taint),
  );
  if (plain.length > 0)
    return fail(
      'nodes.external-cloud-provider',
      `${plain.length} of ${nodes.length} Nodes have neither a provider ID nor the ${taint} taint: ${listed(plain.map(nameOf))}`,
      'start their kubelets with --cloud-provider=external (the taint holds workloads until the CCM has initialised the Node)',
    );
  return ok(
    'nodes.external-cloud-provider',
    `all ${nodes.length} Nodes have a provider ID or the uninitialized taint`,
  );
}

/** Each Node matched to a device of the project (by provider ID, else by hostname). */
export function nodeDevicesCheck(nodes: readonly V1Node[], metal: MetalFacts): Check {
  const find = deviceFinder({ metal });
  const problems = nodes.flatMap((node) => {
    const found = find(node);
    if (found.kind === 'matched') return [];
    return [
      found.kind === 'gone'
        ? `${nameOf(node)}: device ${found.deviceId} is not in the project (the CCM deletes such a Node)`
        : `${nameOf(node)}: ${found.message}`,
    ];
  });
  if (problems.length > 0)
    return fail(
      'nodes.devices',
      `${problems.length} of ${nodes.length} Nodes without a device: ${listed(problems, 3)}`,
      'check the project ID; name each Node as its device’s hostname, or set its provider ID to equinixmetal://<device-id>',
    );
  return ok('nodes.devices', `all ${nodes.length} Nodes matched to a device of the project`);
}

/** Devices sharing a hostname: a Node of that name cannot be matched by hostname. */
export function duplicateHostnamesCheck(nodes: readonly V1Node[], metal: MetalFacts): Check {
  const count = new Map<string, number>();
  for (const d of metal.devices) count.set(d.hostname, (count.get(d.hostname) ?? 0) + 1);
  const duplicated = [...count].filter(([, n]) => n > 1).map(([hostname]) => hostname);
  if (duplicated.length === 0)
    return ok('nodes.duplicate-hostnames', `${count.size} distinct hostnames among the devices`);
  const named = new Set(nodes.filter((n) => (n.spec?.providerID ?? '') === '').map(nameOf));
  const seen = `devices share the hostnames ${listed(duplicated.map((h) => `"${h}"`))}`;
  const fix = 'give each device its own hostname, or set the provider ID of the Nodes so named';
  return duplicated.some((h) => named.has(h))
    ? fail(
        'nodes.duplicate-hostnames',
        `${seen}, and a Node without a provider ID is so named`,
        fix,
      )
    : warn('nodes.duplicate-hostnames', `${seen} (no Node without a provider ID is so named)`, fix);
}
