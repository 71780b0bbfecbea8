import type { Settings } from '../../model/settings.ts';
import type { KubernetesState } from '../../model/snapshot.ts';
import { apiServerTargetPort } from '../../planners/control-plane/eip.ts';
import { fail, listed, ok, warn, type Check, type Read } from './check.ts';
import type { AccessAnswer, LeaseFacts } from './facts.ts';

/** Every verb of the CCM's access table (the RBAC's) that this identity may do. */
export function accessCheck(answers: Read<readonly AccessAnswer[]>): Check {
  const name = 'kubernetes.access';
  if (!answers.ok)
    return fail(
      name,
      answers.error,
      'the identity must be allowed to create SelfSubjectAccessReviews',
    );
  const denied = answers.value
    .filter((a) => !a.allowed)
    .map((a) => {
      const { group, resource, names } = a.access;
      const what = `${a.verb} ${group === '' ? '' : `${group}/`}${resource}${names === undefined ? '' : ` ${names.join(',')}`}`;
      return `${what} in ${a.namespace ?? 'the cluster'}`;
    });
  if (denied.length > 0)
    return fail(
      name,
      `${denied.length} of ${answers.value.length} needed verbs denied: ${listed(denied, 4)}`,
      'apply the RBAC of deploy/ (or the chart) to the identity the CCM runs as',
    );
  return ok(name, `all ${answers.value.length} needed verbs allowed (SelfSubjectAccessReview)`);
}

/** No other holder is renewing the leader-election Lease. */
export function leaseCheck(lease: Read<LeaseFacts>, now: number): Check {
  const name = 'kubernetes.lease';
  if (!lease.ok)
    return warn(name, lease.error, 'the CCM reads and renews its Lease: check the RBAC');
  const { namespace, holder, renewedAt, durationMs } = lease.value;
  const where = `${namespace}/${lease.value.name}`;
  if (holder === undefined || holder === '' || renewedAt === undefined)
    return ok(name, `Lease ${where} is free`);
  const ago = Math.round((now - renewedAt) / 1000);
  if (now - renewedAt > (durationMs ?? 15_000))
    return ok(name, `Lease ${where} last renewed by ${holder} ${ago} s ago: expired, free to take`);
  return warn(
    name,
    `Lease ${where} is renewed by ${holder} (${ago} s ago)`,
    'another cloud-controller-manager leads; this one would wait. If it is not this CCM already running, remove the other',
  );
}

/** The port of `default/kubernetes`, which the control-plane Elastic IP forwards to. */
export function apiServerPortCheck(state: KubernetesState, settings: Settings): Check {
  const name = 'kubernetes.api-server-port';
  const target = apiServerTargetPort({ kubernetes: state });
  const configured = settings.apiServerPort;
  if (settings.eipTag === '')
    return ok(
      name,
      `default/kubernetes targets port ${target ?? 'none'} (no control-plane Elastic IP)`,
    );
  if (target === undefined && configured === 0)
    return fail(
      name,
      'default/kubernetes has no target port and no endpoints, and apiServerPort is 0',
      'set apiServerPort (METAL_API_SERVER_PORT) to the kube-apiserver’s port',
    );
  if (target !== undefined && configured !== 0 && configured !== target)
    return warn(
      name,
      `apiServerPort is ${configured}; default/kubernetes targets ${target}`,
      'the Elastic IP is probed and mirrored on apiServerPort: make sure the kube-apiserver listens there',
    );
  return ok(
    name,
    `the control-plane Elastic IP forwards to port ${configured === 0 ? (target ?? 0) : configured}`,
  );
}

/** A Kubernetes read that failed fails this one check; the others that need it are left out. */
export function kubernetesCheck(state: Read<KubernetesState>, server: string): Check {
  if (!state.ok)
    return fail(
      'kubernetes.reachable',
      `${server}: ${state.error}`,
      `check the kubeconfig (or in-cluster credentials) for ${server}`,
    );
  const { nodes, services } = state.value;
  return ok(
    'kubernetes.reachable',
    `${server}: ${nodes.length} Nodes, ${services.length} Services listed`,
  );
}
