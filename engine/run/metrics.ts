import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from './prom-client.ts';

type Registers = Registry[];

/** Each Metal API call: by operation and outcome, its latency, the rate-limit pauses. */
function metalMetrics(registers: Registers) {
  return {
    metalRequests: new Counter({
      name: 'metal_ccm_metal_api_requests_total',
      help: 'Equinix Metal API requests by operation and status code (or network error code)',
      labelNames: ['operation', 'code'] as const,
      registers,
    }),
    metalRequestDuration: new Histogram({
      name: 'metal_ccm_metal_api_request_duration_seconds',
      help: 'Latency of Equinix Metal API requests',
      labelNames: ['operation'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    metalLists: new Counter({
      name: 'metal_ccm_metal_lists_total',
      help: 'Full lists of the Metal project, by why the loop did not plan on the state kept (write-through)',
      labelNames: ['reason'] as const,
      registers,
    }),
    metalRateLimitPauses: new Counter({
      name: 'metal_ccm_metal_api_rate_limit_pauses_total',
      help: 'Times a 429 paused every Metal API call of the process',
      registers,
    }),
  };
}

/** Kubernetes API requests the API server put off and the CCM sent again, by client and status. */
function kubernetesMetrics(registers: Registers) {
  const retries = new Counter({
    name: 'metal_ccm_kubernetes_api_retries_total',
    help: 'Kubernetes API requests sent again after the API server answered later (429, or 5xx with Retry-After), by client and status code',
    labelNames: ['client', 'code'] as const,
    registers,
  });
  return {
    kubernetesRetried: (client: string, code: number): void => {
      retries.inc({ client, code: String(code) });
    },
  };
}

/** Each loop and each planned action. */
function loopMetrics(registers: Registers) {
  const wait = new Histogram({
    name: 'metal_ccm_reconcile_loop_wait_seconds',
    help: 'How long a loop waited to start once due: a change that comes while a loop runs waits for it',
    labelNames: ['trigger'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  return {
    loops: new Counter({
      name: 'metal_ccm_reconcile_loops_total',
      help: 'Loops by what triggered them and how they ended',
      labelNames: ['trigger', 'result'] as const,
      registers,
    }),
    loopDuration: new Histogram({
      name: 'metal_ccm_reconcile_loop_duration_seconds',
      help: 'Duration of a whole loop: observe, plan, apply',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    /** A loop started `waitedMs` after it was due. */
    loopStarted: (trigger: string, waitedMs: number): void => {
      wait.observe({ trigger }, waitedMs / 1000);
    },
    actions: new Counter({
      name: 'metal_ccm_plan_actions_total',
      help: 'Applied plan actions by area, kind and result',
      labelNames: ['area', 'kind', 'result'] as const,
      registers,
    }),
  };
}

/**
 * How long ago the last loop ended and the last complete Metal observation was made: computed at
 * scrape time, so a stuck process shows a growing age rather than a frozen value.
 */
function ageMetrics(registers: Registers) {
  const last = { loop: Number.NaN, observation: Number.NaN };
  const age = (at: number): number => (Date.now() - at) / 1000;
  new Gauge({
    name: 'metal_ccm_reconcile_last_loop_age_seconds',
    help: 'Seconds since the last loop ended (NaN before the first)',
    registers,
    collect() {
      this.set(age(last.loop));
    },
  });
  new Gauge({
    name: 'metal_ccm_metal_observation_age_seconds',
    help: 'Seconds since the last complete observation of the Metal project (NaN before the first)',
    registers,
    collect() {
      this.set(age(last.observation));
    },
  });
  return {
    loopCompleted: (): void => {
      last.loop = Date.now();
    },
    observed: (): void => {
      last.observation = Date.now();
    },
  };
}

/** What an operator watches besides: leadership and the reservations the cluster owns. */
function stateMetrics(registers: Registers) {
  return {
    reservationsOwned: new Gauge({
      name: 'metal_ccm_metal_reservations_owned',
      help: 'IP reservations of the project tagged for this cluster, at the last observation',
      registers,
    }),
    bgpSessions: new Gauge({
      name: 'metal_ccm_bgp_sessions',
      help: 'BGP sessions of the project, one per session and switch, by the state Metal reports, at the last observation',
      labelNames: ['state'] as const,
      registers,
    }),
    servicesPending: new Gauge({
      name: 'metal_ccm_services_pending',
      help: 'LoadBalancer Services this CCM serves that have no address in their status yet',
      registers,
    }),
    servicesPendingMaxAge: new Gauge({
      name: 'metal_ccm_services_pending_max_age_seconds',
      help: 'Seconds the longest-pending of them has been seen without an address (0 when none)',
      registers,
    }),
    servicesOverLimit: new Gauge({
      name: 'metal_ccm_services_over_eip_limit',
      help: 'Services refused an Elastic IP because --eip-limit of them are announced',
      registers,
    }),
    syncPeriod: new Gauge({
      name: 'metal_ccm_sync_period_seconds',
      help: 'The resync period (--sync-period): what the alerts measure ages against',
      registers,
    }),
    leader: new Gauge({
      name: 'metal_ccm_leader_election_master_status',
      help: '1 while this process holds the leader Lease (or runs without leader election), else 0',
      labelNames: ['name'] as const,
      registers,
    }),
  };
}

/**
 * The CCM's metrics in three layers, as the DigitalOcean CCM has them: each Metal API call, each
 * loop, each planned action; plus what an operator watches (leadership, ages, pauses).
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    ...metalMetrics(registers),
    ...kubernetesMetrics(registers),
    ...loopMetrics(registers),
    ...ageMetrics(registers),
    ...stateMetrics(registers),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
