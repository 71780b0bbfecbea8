import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/emulator.ts';
import { seededRandom } from '../../emulator/faults.ts';
import { syntheticProject, syntheticWorld } from '../../emulator/synthetic.ts';
import type { ActionId, ProjectId } from '../../model/ids.ts';
import type { MetalRequest } from '../../model/plan.ts';
import { Sensitive } from '../../model/sensitive.ts';
import { MetalClient } from '../../providers/metal/client.ts';
import { metalExecutor } from '../../providers/metal/executor.ts';
import { MetalObserver } from '../../providers/metal/observe.ts';
import { MetalTransport } from '../../providers/metal/transport.ts';
import { fold, type MetalProjectState } from './fold.ts';

let emulator: Emulator | undefined;
afterEach(async () => {
  expect(emulator?.violations ?? []).toEqual([]);
  await emulator?.close();
  emulator = undefined;
});

/** Lists as sets: the order Metal lists in is not part of the state. */
function normal(state: MetalProjectState): unknown {
  const byText = <T>(items: readonly T[]): T[] =>
    [...items].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return {
    ...state,
    devices: byText(state.devices.map((d) => ({ ...d, addresses: byText(d.addresses) }))),
    reservations: byText(
      state.reservations.map((r) => ({ ...r, assignments: byText(r.assignments) })),
    ),
    bgpSessions: byText(state.bgpSessions),
  };
}

/** One of the CCM's writes that the state allows, picked at random (undefined: none is possible). */
function randomWrite(state: MetalProjectState, random: () => number): MetalRequest | undefined {
  const pick = <T>(items: readonly T[]): T | undefined =>
    items[Math.floor(random() * items.length)];
  const elastic = state.reservations.filter((r) => r.cidr === 32 && r.address !== undefined);
  const assignments = elastic.flatMap((r) => r.assignments);
  const withSession = new Set(state.bgpSessions.map((s) => s.deviceId));
  const device = pick(state.devices);
  const bare = pick(state.devices.filter((d) => !withSession.has(d.id)));
  const free = pick(elastic.filter((r) => r.assignments.length === 0));
  const candidates: (MetalRequest | undefined)[] = [
    {
      operation: 'requestIPReservation',
      method: 'POST',
      path: `/projects/${syntheticProject}/ips`,
      body: {
        type: 'public_ipv4',
        quantity: 1,
        metro: 'da',
        tags: [`service=s${String(random())}`],
      },
    },
    bare && {
      operation: 'createBgpSession',
      method: 'POST',
      path: `/devices/${bare.id}/bgp/sessions`,
      body: { address_family: 'ipv4' },
    },
    free &&
      device && {
        operation: 'createIPAssignment',
        method: 'POST',
        path: `/devices/${device.id}/ips`,
        body: { address: `${String(free.address)}/32` },
      },
    ...[pick(assignments), pick(elastic)].map(
      (gone): MetalRequest | undefined =>
        gone && { operation: 'deleteIPAddress', method: 'DELETE', path: `/ips/${gone.id}` },
    ),
  ];
  return pick(candidates.filter((c) => c !== undefined));
}

describe('the Metal state folded from the answers of writes (write-through)', () => {
  it('equals a fresh observation after each write of random sequences against the emulator', async () => {
    const world = syntheticWorld({ devices: 4, reservations: 3, bgp: true });
    world.bgp_sessions = world.bgp_sessions.slice(0, 1); // three devices have no session yet
    emulator = await startEmulator({ world });
    const client = new MetalClient(
      new MetalTransport({ baseURL: emulator.url, token: new Sensitive(emulator.token) }),
    );
    const observer = new MetalObserver(client, syntheticProject as ProjectId);
    const execute = metalExecutor(client);
    const needs = { wantNeighbours: false, referencedDevices: [] };
    let state = (await observer.observe(needs)).state;
    const kinds = new Set<string>();
    for (let seed = 1; seed <= 12; seed++) {
      const random = seededRandom(seed);
      for (let step = 0; step < 6; step++) {
        const request = randomWrite(state, random);
        if (request === undefined) break;
        const { metal } = await execute({
          id: 'w' as ActionId,
          kind: 'metal.request',
          area: 'elastic-ips',
          operation: request.method === 'DELETE' ? 'delete' : 'create',
          target: request.path,
          reason: 'test',
          event: 'Test',
          changes: [],
          dependsOn: [],
          request,
        });
        const folded = metal === undefined ? undefined : fold(state, metal);
        const fresh = (await observer.observe(needs)).state;
        const where = `seed ${String(seed)}, write ${String(step)}: ${request.operation} ${request.path}`;
        expect(folded, where).toBeDefined();
        expect(normal(folded!), where).toEqual(normal(fresh));
        kinds.add(metal?.kind ?? '');
        state = fresh;
      }
    }
    // Every kind of write was among them.
    expect([...kinds].sort()).toEqual([
      'assigned',
      'deleted',
      'reservation-created',
      'session-created',
    ]);
  });
});
