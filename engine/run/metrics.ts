import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The CCM's metrics in three layers, as the DigitalOcean CCM has them: each Metal API call, each
 * loop, each planned action; plus what an operator watches (leadership, snapshot age, pauses).
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    metalRequests: new Counter({
      name: 'metal_api_requests_total',
      help: 'Equinix Metal API requests by operation and status code (or network error code)',
      labelNames: ['operation', 'code'] as const,
      registers,
    }),
    metalRequestDuration: new Histogram({
      name: 'metal_api_request_duration_seconds',
      help: 'Latency of Equinix Metal API requests',
      labelNames: ['operation'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    metalRateLimitPauses: new Counter({
      name: 'metal_api_rate_limit_pauses_total',
      help: 'Times a 429 paused every Metal API call of the process',
      registers,
    }),
    loops: new Counter({
      name: 'reconcile_loops_total',
      help: 'Loops by what triggered them and how they ended',
      labelNames: ['trigger', 'result'] as const,
      registers,
    }),
    loopDuration: new Histogram({
      name: 'reconcile_loop_duration_seconds',
      help: 'Duration of a whole loop: observe, plan, apply',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    actions: new Counter({
      name: 'plan_actions_total',
      help: 'Applied plan actions by area, kind and result',
      labelNames: ['area', 'kind', 'result'] as const,
      registers,
    }),
    snapshotAge: new Gauge({
      name: 'snapshot_age_seconds',
      help: 'Age of the observation the last plan was made from, when it was applied',
      registers,
    }),
    reservationsOwned: new Gauge({
      name: 'metal_reservations_owned',
      help: 'IP reservations of the project tagged for this cluster, at the last observation',
      registers,
    }),
    leader: new Gauge({
      name: 'leader_election_master_status',
      help: '1 while this process holds the leader Lease (or runs without leader election), else 0',
      labelNames: ['name'] as const,
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
