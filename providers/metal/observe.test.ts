import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceId, ProjectId } from '../../model/ids.ts';
import { Sensitive } from '../../model/sensitive.ts';
import { startEmulator, type Emulator } from '../../emulator/emulator.ts';
import { syntheticProject, syntheticWorld, uuidOf } from '../../emulator/synthetic.ts';
import { MetalClient } from './client.ts';
import { MetalObserver } from './observe.ts';
import { MetalTransport } from './transport.ts';

let emulator: Emulator | undefined;
afterEach(async () => {
  expect(emulator?.violations ?? []).toEqual([]);
  await emulator?.close();
  emulator = undefined;
});

async function observerOn(world: Parameters<typeof syntheticWorld>[0]) {
  emulator = await startEmulator({ world: syntheticWorld(world) });
  const transport = new MetalTransport({
    baseURL: emulator.url,
    token: new Sensitive(emulator.token),
  });
  return new MetalObserver(new MetalClient(transport), syntheticProject as ProjectId);
}

describe('MetalObserver against the emulator', () => {
  it('observes 100 devices and 500 reservations in a fixed number of calls, and fewer once neighbours are cached', async () => {
    const observer = await observerOn({ devices: 100, reservations: 500, bgp: true });
    const first = await observer.observe({ wantNeighbours: true, referencedDevices: [] });
    expect(first.state.devices).toHaveLength(100);
    expect(first.state.reservations).toHaveLength(500);
    expect(first.state.devices.every((d) => d.bgpNeighbors?.length === 1)).toBe(true);
    expect(first.state.complete).toBe(true);
    expect(emulator!.counters()).toEqual({
      findProjectById: 1,
      findBgpConfigByProject: 1,
      findProjectDevices: 1,
      findIPReservations: 1,
      findProjectBgpSessions: 1,
      getBgpNeighborData: 100,
    });

    emulator!.resetCounters();
    const steady = await observer.observe({ wantNeighbours: true, referencedDevices: [] });
    expect(steady.state.devices.every((d) => d.bgpNeighbors?.length === 1)).toBe(true);
    // Steady state: one call per collection, none per device or per reservation.
    expect(emulator!.counters()).toEqual({
      findBgpConfigByProject: 1,
      findProjectDevices: 1,
      findIPReservations: 1,
      findProjectBgpSessions: 1,
    });
  });

  it('does not look up again, between lists, a listed device it could not read', async () => {
    const observer = await observerOn({ devices: 2, reservations: 0 });
    const id = uuidOf(1, 1) as DeviceId;
    const device = emulator!.world.devices.get(id)!;
    (device['ip_addresses'] as { address_family: unknown }[])[0]!.address_family = 5;
    const needs = { wantNeighbours: false, referencedDevices: [id] };
    const listed = await observer.observe(needs);
    expect(listed.state.complete).toBe(false);
    emulator!.resetCounters();
    const kept = await observer.refresh(listed.state, needs);
    expect(emulator!.counters()).toEqual({});
    expect(kept.problems).toEqual([]);
    emulator!.clearViolations(); // the emulator's answer broke the spec on purpose
  });

  it('reads no neighbours when no load balancer needs them', async () => {
    const observer = await observerOn({ devices: 10, reservations: 0, bgp: true });
    await observer.observe({ wantNeighbours: false, referencedDevices: [] });
    expect(emulator!.counters()['getBgpNeighborData']).toBeUndefined();
  });

  it('asks again for the neighbours of a device whose addresses changed', async () => {
    const observer = await observerOn({ devices: 3, reservations: 0, bgp: true });
    await observer.observe({ wantNeighbours: true, referencedDevices: [] });
    const device = emulator!.world.devices.get(uuidOf(1, 1))!;
    (device['ip_addresses'] as { address: string; public: boolean }[])
      .filter((a) => !a.public)
      .forEach((a) => (a.address = '10.9.9.9'));
    emulator!.resetCounters();
    const again = await observer.observe({ wantNeighbours: true, referencedDevices: [] });
    expect(emulator!.counters()['getBgpNeighborData']).toBe(1);
    expect(
      again.state.devices.find((d) => d.id === uuidOf(1, 1))?.bgpNeighbors?.[0]?.customerIp,
    ).toBe('10.9.9.9');
  });

  it('reads every page of large lists', async () => {
    emulator = await startEmulator({ world: syntheticWorld({ devices: 25, reservations: 0 }) });
    const transport = new MetalTransport({
      baseURL: emulator.url,
      token: new Sensitive(emulator.token),
    });
    const observer = new MetalObserver(
      new MetalClient(transport, { perPage: 10 }),
      syntheticProject as ProjectId,
    );
    const observed = await observer.observe({ wantNeighbours: false, referencedDevices: [] });
    expect(observed.state.devices).toHaveLength(25);
    expect(emulator.counters()['findProjectDevices']).toBe(3);
  });

  it('looks up a device a Node names that is not in the project, once', async () => {
    const observer = await observerOn({ devices: 2, reservations: 0 });
    const elsewhere = uuidOf(9, 9) as DeviceId;
    const observed = await observer.observe({
      wantNeighbours: false,
      referencedDevices: [elsewhere, elsewhere, uuidOf(1, 0) as DeviceId],
    });
    expect(emulator!.counters()['findDeviceById']).toBe(1);
    expect(observed.state.devices).toHaveLength(2);
    expect(observed.state.complete).toBe(true);
  });

  it('rides out faults: a 429 pause, a 5xx and a dropped connection on reads', async () => {
    const observer = await observerOn({ devices: 5, reservations: 5 });
    emulator!.inject('findProjectDevices', { kind: 'status', status: 429, retryAfterSeconds: 0 });
    emulator!.inject('findIPReservations', { kind: 'status', status: 503 });
    emulator!.inject('findProjectBgpSessions', { kind: 'drop' });
    const observed = await observer.observe({ wantNeighbours: false, referencedDevices: [] });
    expect(observed.state.devices).toHaveLength(5);
    expect(observed.state.reservations).toHaveLength(5);
    expect(emulator!.counters()).toMatchObject({
      findProjectDevices: 2,
      findIPReservations: 2,
      findProjectBgpSessions: 2,
    });
  });
});
