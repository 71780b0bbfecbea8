import { serviceMarks } from '../../model/marks/service.ts';
import type { Settings } from '../../model/settings.ts';
import type { KubernetesState } from '../../model/snapshot.ts';
import { resources } from '../../providers/kubernetes/resources.ts';
import { fail, ok, type Check, type Read } from './check.ts';

const name = 'load-balancer';

/** The metallb.io resources the CCM writes, at the versions it writes them. */
const metallbKinds = [resources.IPAddressPool, resources.BGPAdvertisement, resources.BGPPeer];

/** MetalLB CRD mode: each resource served at the version the CCM writes. */
function metallbCrdsCheck(served: Read<ReadonlyMap<string, readonly string[]>>): Check {
  if (!served.ok) return fail(name, served.error, 'install MetalLB (its CRDs) before the CCM');
  const missing = metallbKinds.filter((k) => {
    const version = k.apiVersion.split('/')[1] ?? '';
    return !(served.value.get(k.plural) ?? []).includes(version);
  });
  const seen = metallbKinds
    .map((k) => `${k.plural} ${(served.value.get(k.plural) ?? []).join('/') || 'not served'}`)
    .join(', ');
  if (missing.length > 0)
    return fail(
      name,
      `MetalLB CRDs: ${seen}; the CCM writes ${missing.map((k) => `${k.apiVersion} ${k.kind}`).join(', ')}`,
      'install MetalLB 0.13 or later (its CRDs), or use the ConfigMap mode metallb:///<namespace>/<name> for an older one',
    );
  return ok(name, `MetalLB CRDs served: ${seen}`);
}

/** kube-vip: the annotations it reads, which the CCM writes, and how many Nodes carry them. */
function kubeVipCheck(state: KubernetesState, settings: Settings): Check {
  const names = settings.annotations;
  const carrying = state.nodes.filter(
    (n) => n.metadata?.annotations?.[names.localASN] !== undefined,
  ).length;
  return ok(
    name,
    `kube-vip reads ${serviceMarks.kubeVipAddress.key} on Services and ${names.localASN}, ${names.peerASNs}, ${names.peerIPs}, ${names.srcIP} on Nodes (written by the CCM; on ${carrying} of ${state.nodes.length} Nodes now)`,
  );
}

/** The load balancer the CCM hands addresses to is there to take them. */
export function loadBalancerCheck(
  state: KubernetesState,
  settings: Settings,
  metallbApi: Read<ReadonlyMap<string, readonly string[]>> | undefined,
): Check {
  const lb = settings.loadBalancer;
  switch (lb.kind) {
    case 'metallb-crds':
      return metallbCrdsCheck(
        metallbApi ?? { ok: false, error: 'the metallb.io API was not read' },
      );
    case 'metallb-configmap':
      return state.metallb?.configMap === undefined
        ? fail(
            name,
            `MetalLB ConfigMap ${lb.namespace}/${lb.name} is absent`,
            'install MetalLB (0.12 or older reads this ConfigMap) or correct the loadbalancer setting; the CCM only patches it',
          )
        : ok(name, `MetalLB ConfigMap ${lb.namespace}/${lb.name} present`);
    case 'kube-vip':
      return kubeVipCheck(state, settings);
    case 'empty':
    case 'none':
      return ok(name, `"${lb.kind}": nothing to check`);
  }
}
