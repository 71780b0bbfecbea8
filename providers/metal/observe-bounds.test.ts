import { afterEach, describe, expect, it } from 'vitest';
import type { ProjectId } from '../../model/ids.ts';
import { Sensitive } from '../../model/sensitive.ts';
import { startEmulator, type Emulator, type Fault } from '../../emulator/emulator.ts';
import { syntheticProject, syntheticWorld } from '../../emulator/synthetic.ts';
import { MetalClient } from './client.ts';
import { MetalObserver } from './observe.ts';
import { MetalTransport } from './transport.ts';

let emulator: Emulator | undefined;
afterEach(async () => {
  expect(emulator?.violations ?? []).toEqual([]);
  await emulator?.close();
  emulator = undefined;
});

/** An observer of a project of 30 devices (90 management blocks) and 20 Elastic IPs. */
async function observer(
  options: { timeoutMs?: number; deadlineMs?: number; perPage?: number } = {},
) {
  emulator = await startEmulator({ world: syntheticWorld({ devices: 30, reservations: 20 }) });
  const transport = new MetalTransport({
    baseURL: emulator.url,
    token: new Sensitive(emulator.token),
    retries: 1,
    backoffBaseMs: 1,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  const client = new MetalClient(transport, { perPage: options.perPage ?? 25 });
  const deadline = options.deadlineMs === undefined ? {} : { deadlineMs: options.deadlineMs };
  return new MetalObserver(client, syntheticProject as ProjectId, deadline);
}

const observe = (o: MetalObserver) => o.observe({ wantNeighbours: false, referencedDevices: [] });

/** How an observation failed, and how long it took to. */
async function failed(o: MetalObserver): Promise<{ message: string; ms: number }> {
  const started = Date.now();
  const message = await observe(o).then(
    () => 'observed',
    (error: unknown) => (error as Error).message,
  );
  return { message, ms: Date.now() - started };
}

const always = (fault: Fault): Fault => ({ ...fault, probability: 1 });

describe('a Metal observation stays bounded and says what failed', () => {
  it('pages past the devices’ management blocks and takes none of them', async () => {
    const o = await observer();
    const observed = await observe(o);
    expect(observed.state.reservations).toHaveLength(20);
    expect(observed.state.reservations.every((r) => r.tags.length === 3)).toBe(true);
    expect(observed.state.complete).toBe(true);
    // 110 reservations in the list, 25 a page: five pages, every one read.
    expect(emulator?.counters()['findIPReservations']).toBe(5);
  });

  it('fails a list whose pages never end, naming it', async () => {
    const o = await observer();
    emulator?.inject('findIPReservations', always({ kind: 'endless-pages' }));
    const { message } = await failed(o);
    expect(message).toMatch(
      /^Metal API findIPReservations answered with an unexpected body: paging stopped at page 5: it claims 6 pages, more than its total of 110 items allows/,
    );
    expect(emulator?.counters()['findIPReservations']).toBe(5);
  });

  it('fails a list that repeats its ids, naming it', async () => {
    const o = await observer();
    emulator?.inject('findProjectDevices', always({ kind: 'repeated-ids' }));
    expect((await failed(o)).message).toMatch(
      /^Metal API findProjectDevices .*paging stopped at page 2: it repeats 00000001-0000-4000-8000-000000000000, listed on an earlier page/,
    );
  });

  it('cuts a trickling answer at the request deadline, naming it', async () => {
    const o = await observer({ timeoutMs: 300 });
    // A byte every 100 ms: never idle for the 300 ms of the deadline, never complete either.
    emulator?.inject('findProjectDevices', always({ kind: 'trickle', everyMs: 100 }));
    const { message, ms } = await failed(o);
    expect(message).toBe(
      `Metal API findProjectDevices (GET /projects/${syntheticProject}/devices) failed: ETIMEDOUT (no complete answer within 300ms)`,
    );
    expect(ms).toBeLessThan(3000); // two attempts of 300 ms
  });

  it('ends at the observation deadline, naming the call still waiting', async () => {
    const o = await observer({ deadlineMs: 400 });
    emulator?.inject('findBgpConfigByProject', always({ kind: 'latency', ms: 5000 }));
    const { message, ms } = await failed(o);
    expect(message).toBe(
      `Metal API findBgpConfigByProject (GET /projects/${syntheticProject}/bgp-config) failed: EDEADLINE (the Metal observation did not finish within 400ms)`,
    );
    expect(ms).toBeLessThan(2000);
  });

  it('says a 200 that is not JSON is not JSON, naming it', async () => {
    const o = await observer();
    emulator?.inject('findProjectById', { kind: 'not-json' });
    expect((await failed(o)).message).toBe(
      'Metal API findProjectById answered with an unexpected body: the body is not JSON (200, text/html; charset=utf-8, starting "<html><body><h1>Welcome</h1><p>Please si")',
    );
  });
});
