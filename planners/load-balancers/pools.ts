import type { Facts } from '../facts/facts.ts';

export interface Pool {
  readonly namespace: string;
  readonly name: string;
  readonly address: string;
}

/**
 * One address pool per Service Elastic IP: the addresses the Elastic IP planner decided. The
 * control-plane EIP is never among them (it is never a Service's).
 */
export function poolsOf(facts: Facts): Pool[] {
  return (facts.serviceClaims?.addresses ?? []).map(({ service, address }) => ({
    namespace: service.metadata?.namespace ?? '',
    name: service.metadata?.name ?? '',
    address,
  }));
}
