import { nothing, type Integration } from './integration.ts';

/**
 * `empty://`: Elastic IPs and BGP as for kube-vip, without the kube-vip annotation, for a load
 * balancer the user runs and configures alone; and `none` (no load balancer), which gets neither.
 */
export const empty: Integration = { plan: () => nothing };
