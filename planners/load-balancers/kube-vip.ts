import { nothing, type Integration } from './integration.ts';

/**
 * kube-vip (`kube-vip://`): it announces each Service's Elastic IP by BGP, reading the address from
 * the Service (`kube-vip.io/loadbalancerIPs`, written by the Elastic IP planner) and its peers from
 * the Node (the BGP annotations, written by the BGP planner). There is nothing of its own to plan.
 */
export const kubeVip: Integration = { plan: () => nothing };
