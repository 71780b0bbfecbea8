import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metalWorldSchema } from '../../providers/fixture/metal.ts';
import { resourcePath, resources } from '../../providers/kubernetes/resources.ts';
import { startEmulator, type Emulator } from '../../emulator/emulator.ts';
import {
  admin,
  eventually,
  forceDelete,
  metric,
  startDaemon,
  unique,
  type RunningDaemon,
} from '../support/integration.ts';
import { createLoadBalancerService } from '../support/kube-rest.ts';

const token = 'observability-token';
const service = unique('shop');
const servicePath = resourcePath(resources.Service, { namespace: 'default', name: service });
let emulator: Emulator;
let daemon: RunningDaemon;

interface Event {
  reason?: string;
  /** Absent for an Event that happened once; its count when it repeated. */
  series?: { count?: number };
  type?: string;
  note?: string;
  regarding?: { kind?: string; name?: string };
}

/** The Events the CCM left on the Service, oldest first. */
async function serviceEvents(): Promise<Event[]> {
  const list = await admin().request<{ items: Event[] }>({
    method: 'GET',
    path: '/apis/events.k8s.io/v1/namespaces/default/events',
  });
  return list.items.filter((e) => e.regarding?.kind === 'Service' && e.regarding.name === service);
}

beforeAll(async () => {
  const world = metalWorldSchema.parse(
    JSON.parse(await readFile('fixtures/lb-fresh/metal.json', 'utf8')),
  );
  emulator = await startEmulator({ world, token });
  // One 429 on the reservations list: the process pauses every Metal call once.
  emulator.inject('findIPReservations', { kind: 'status', status: 429, retryAfterSeconds: 1 });
  daemon = await startDaemon({
    baseURL: emulator.url,
    config: {
      apiKey: token,
      projectID: '0f6b7b9e-2c1a-4e6f-9a57-3f0c1c0d6a11',
      metro: 'da',
      loadbalancer: 'empty://',
    },
  });
});

afterAll(async () => {
  await daemon.kill();
  await emulator.close();
  await forceDelete(servicePath);
});

describe('what an operator sees: Events and metrics, on a real API server', () => {
  it('leaves the Events of a Service’s life: EIP requested, assigned, released', async () => {
    await createLoadBalancerService(admin(), service);
    await eventually(
      async () =>
        (await serviceEvents()).some((e) => e.reason === 'ElasticIPAssigned') ? true : undefined,
      20_000,
      'the EIP assigned',
    );
    await admin().request({ method: 'DELETE', path: servicePath });
    const events = await eventually(
      async () => {
        const seen = await serviceEvents();
        return seen.some((e) => e.reason === 'ElasticIPReleased') ? seen : undefined;
      },
      20_000,
      'the EIP released',
    );
    const reasons = events.map((e) => e.reason);
    expect(reasons).toEqual(
      expect.arrayContaining(['ElasticIPRequested', 'ElasticIPAssigned', 'ElasticIPReleased']),
    );
    // The service controller's Events, each once (one object, no series): transitions, not loops.
    const deleted = await eventually(
      async () => {
        const seen = await serviceEvents();
        return seen.some((e) => e.reason === 'DeletedLoadBalancer') ? seen : undefined;
      },
      20_000,
      'DeletedLoadBalancer',
    );
    const occurrences = (reason: string): number =>
      deleted
        .filter((e) => e.reason === reason)
        .reduce((sum, e) => sum + (e.series?.count ?? 1), 0);
    for (const reason of [
      'EnsuringLoadBalancer',
      'EnsuredLoadBalancer',
      'DeletingLoadBalancer',
      'DeletedLoadBalancer',
      'ElasticIPAssigned',
    ])
      expect(occurrences(reason), reason).toBe(1);
    // The finalizer is part of "Ensuring": no Event of its own.
    expect(deleted.map((e) => e.reason)).not.toContain('ElasticIPFinalizerAdded');
    expect(
      events
        .filter((e) => e.type !== 'Normal')
        .map((e) => `${String(e.reason)}: ${String(e.note)}`),
    ).toEqual([]);
    expect(events.find((e) => e.reason === 'ElasticIPRequested')?.note).toMatch(/Elastic IP/);
    expect(JSON.stringify(events)).not.toContain(token);
  });

  it('serves each metric with a plausible value', async () => {
    const url = daemon.healthUrl;
    const expectations: [string, string, (v: number) => boolean][] = [
      [
        'metal_ccm_metal_api_requests_total',
        'operation="findIPReservations",code="200"',
        (v) => v >= 1,
      ],
      [
        'metal_ccm_metal_api_requests_total',
        'operation="requestIPReservation",code="201"',
        (v) => v === 1,
      ],
      [
        'metal_ccm_metal_api_requests_total',
        'operation="deleteIPAddress",code="204"',
        (v) => v === 1,
      ],
      [
        'metal_ccm_metal_api_request_duration_seconds_count',
        'operation="findProjectDevices"',
        (v) => v >= 1,
      ],
      ['metal_ccm_metal_api_rate_limit_pauses_total', '', (v) => v === 1],
      // The Service's loop and its deletion's (the start loop may apply too: its own sample).
      ['metal_ccm_reconcile_loops_total', 'trigger="change",result="applied"', (v) => v >= 2],
      ['metal_ccm_reconcile_loop_duration_seconds_count', '', (v) => v >= 2],
      ['metal_ccm_reconcile_loop_wait_seconds_count', 'trigger="start"', (v) => v >= 1],
      [
        'metal_ccm_plan_actions_total',
        'area="elastic-ips",kind="metal.request",result="applied"',
        (v) => v === 2,
      ],
      ['metal_ccm_reconcile_last_loop_age_seconds', '', (v) => v >= 0 && v < 30],
      ['metal_ccm_metal_observation_age_seconds', '', (v) => v >= 0 && v < 30],
      ['metal_ccm_metal_reservations_owned', '', (v) => v === 0],
      ['metal_ccm_leader_election_master_status', '', (v) => v === 1],
      ['process_resident_memory_bytes', '', (v) => v > 10e6 && v < 1e9],
    ];
    const implausible = async (): Promise<string[]> => {
      const values = await Promise.all(expectations.map(([n, l]) => metric(url, n, l)));
      return expectations.flatMap(([n, l, ok], k) => {
        const value = values[k];
        return value !== undefined && ok(value) ? [] : [`${n}{${l}} = ${String(value)}`];
      });
    };
    await eventually(async () => (await implausible()).length === 0, 15_000).catch(() => undefined);
    expect(await implausible()).toEqual([]);
  });
});
