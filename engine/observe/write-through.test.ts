import { describe, expect, it } from 'vitest';
import type { ReservationId } from '../../model/ids.ts';
import type { Reservation } from '../../model/metal.ts';
import type { MetalNeeds, MetalObservation } from '../../model/observation.ts';
import { device } from '../../test/support/builders.ts';
import type { MetalProjectState } from './fold.ts';
import { WriteThroughMetal } from './write-through.ts';

const needs: MetalNeeds = { wantNeighbours: false, referencedDevices: [] };

const reservation = (n: number): Reservation => ({
  id: `00000005-0000-4000-8000-00000000000${String(n)}` as ReservationId,
  type: 'public_ipv4',
  state: 'created',
  address: `198.51.100.${String(n)}`,
  cidr: 32,
  tags: [],
  assignments: [],
});

/** A Metal project that counts its full lists; `complete` is what its next list answers. */
class CountingReader {
  lists = 0;
  refreshes = 0;
  complete = true;
  failing = false;
  observe(): Promise<MetalObservation> {
    this.lists++;
    if (this.failing) return Promise.reject(new Error('the list failed'));
    const state = {
      devices: [device(1)],
      reservations: [reservation(1)],
      bgpSessions: [],
      complete: this.complete,
    };
    return Promise.resolve({ state, problems: [] });
  }
  refresh(state: MetalProjectState): Promise<MetalObservation> {
    this.refreshes++;
    return Promise.resolve({ state, problems: [] });
  }
}

function kept(now: { ms: number } = { ms: 0 }) {
  const reader = new CountingReader();
  const metal = new WriteThroughMetal(reader, { maxAgeMs: 60_000, now: () => now.ms });
  return { reader, metal };
}

const created = { kind: 'reservation-created', reservation: reservation(2) } as const;

describe('WriteThroughMetal', () => {
  it('lists at start, then plans on the list with its own writes folded in, reading nothing', async () => {
    const { reader, metal } = kept();
    expect((await metal.current(needs)).listed).toBe('start');
    metal.written([created]);
    const next = await metal.current(needs);
    expect(next.listed).toBeUndefined();
    expect(next.observation.state.reservations.map((r) => r.address)).toEqual([
      '198.51.100.1',
      '198.51.100.2',
    ]);
    expect(next.observation.state.complete).toBe(true);
    expect(reader.lists).toBe(1);
  });

  it('lists again after a write that failed (its effect is unknown)', async () => {
    const { reader, metal } = kept();
    await metal.current(needs);
    metal.failed();
    expect((await metal.current(needs)).listed).toBe('a write failed');
    expect(reader.lists).toBe(2);
  });

  it('lists again after an answer that does not say what the project now is, and again after that list failed', async () => {
    const { reader, metal } = kept();
    await metal.current(needs);
    reader.failing = true;
    metal.written([{ kind: 'unfolded', why: 'a lost answer' }]);
    await expect(metal.current(needs)).rejects.toThrow('the list failed');
    reader.failing = false;
    expect((await metal.current(needs)).listed).toBe('the last read failed');
    expect(reader.lists).toBe(3);
  });

  it('lists on the resync, at a new leader, and when the state is older than the resync period', async () => {
    const now = { ms: 0 };
    const { metal } = kept(now);
    await metal.current(needs);
    expect((await metal.current(needs, 'resync')).listed).toBe('resync');
    expect((await metal.current(needs, 'start')).listed).toBe('start');
    now.ms = 59_999;
    expect((await metal.current(needs)).listed).toBeUndefined();
    now.ms = 60_000;
    expect((await metal.current(needs)).listed).toBe('older than the resync period');
  });

  it('keeps a state folded from an incomplete list incomplete, so nothing is collected on its strength', async () => {
    const { reader, metal } = kept();
    reader.complete = false;
    await metal.current(needs);
    metal.written([created, { kind: 'deleted', id: reservation(1).id }]);
    const next = await metal.current(needs);
    expect(next.listed).toBeUndefined();
    expect(next.observation.state.reservations.map((r) => r.id)).toEqual([reservation(2).id]);
    expect(next.observation.state.complete).toBe(false);
  });

  it('keeps what a new list finds unchanged as the objects it had, and takes what changed', async () => {
    const { reader, metal } = kept();
    const first = (await metal.current(needs)).observation.state;
    const again = (await metal.current(needs, 'resync')).observation.state;
    expect(again.reservations).toBe(first.reservations);
    expect(again.devices).toBe(first.devices);
    reader.complete = false;
    const incomplete = (await metal.current(needs, 'resync')).observation.state;
    expect(incomplete.complete).toBe(false);
    expect(incomplete.devices).toBe(first.devices);
    expect(reader.lists).toBe(3);
  });
});
