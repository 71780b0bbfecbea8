import { describe, expect, it } from 'vitest';
import * as client from '../test/support/emulator-calls.ts';
import { startEmulator } from './emulator.ts';
import { syntheticProject as project, syntheticWorld, uuidOf } from './synthetic.ts';

const device0 = uuidOf(1, 0);
const emulatorOf = client.useEmulator();
const call = (method: string, path: string, body?: unknown) =>
  client.call(emulatorOf(), method, path, body);
const reserve = (body?: Record<string, unknown>) => client.reserve(emulatorOf(), body);

describe('emulator faults', () => {
  it('answers 429 with rate-limit headers', async () => {
    emulatorOf().inject('findProjectById', { kind: 'status', status: 429, retryAfterSeconds: 2 });
    const limited = await call('GET', `/projects/${project}`);
    expect(limited).toMatchObject({ status: 429, body: { errors: ['Rate limit exceeded'] } });
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(limited.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    expect((await call('GET', `/projects/${project}`)).status).toBe(200); // once by default
  });

  it('answers 5xx the given number of times, for one operation or all', async () => {
    emulatorOf().inject('*', { kind: 'status', status: 503, times: 2 });
    expect((await call('GET', `/devices/${device0}`)).status).toBe(503);
    expect((await call('GET', `/projects/${project}`)).status).toBe(503);
    expect((await call('GET', `/projects/${project}`)).status).toBe(200);
  });

  it('adds latency', async () => {
    emulatorOf().inject('findProjectById', { kind: 'latency', ms: 150 });
    const started = Date.now();
    expect((await call('GET', `/projects/${project}`)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('drops a connection before doing anything', async () => {
    const before = emulatorOf().world.reservations.size;
    emulatorOf().inject('requestIPReservation', { kind: 'drop' });
    await expect(reserve()).rejects.toThrow();
    expect(emulatorOf().world.reservations.size).toBe(before);
  });

  it('loses the answer of a write that happened', async () => {
    emulatorOf().inject('requestIPReservation', { kind: 'lose-response' });
    await expect(reserve({ tags: ['lost'] })).rejects.toThrow();
    const tags = [...emulatorOf().world.reservations.values()].map((r) => r['tags']);
    expect(tags).toContainEqual(['lost']);
  });

  it('holds a request until released, then carries it out though its caller has gone', async () => {
    const emulator = emulatorOf();
    emulator.inject('requestIPReservation', { kind: 'hold' });
    const caller = new AbortController();
    const request = fetch(`${emulator.url}/projects/${project}/ips`, {
      method: 'POST',
      headers: { 'X-Auth-Token': emulator.token, 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'public_ipv4', quantity: 1, metro: 'da', tags: ['held'] }),
      signal: caller.signal,
    });
    while (emulator.held() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    caller.abort();
    await expect(request).rejects.toThrow();
    const tagged = () =>
      [...emulator.world.reservations.values()].filter((r) =>
        (r['tags'] as string[]).includes('held'),
      );
    expect(tagged()).toEqual([]);
    emulator.releaseHeld();
    while (tagged().length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(emulator.held()).toBe(0);
    expect(emulator.faultsFired()).toEqual({ hold: 1 });
  });

  it('counts the faults that fired, by kind', async () => {
    emulatorOf().inject('*', { kind: 'status', status: 503, times: 2 });
    emulatorOf().inject('findProjectById', { kind: 'status', status: 429 });
    for (let i = 0; i < 4; i++) await call('GET', `/projects/${project}`);
    expect(emulatorOf().faultsFired()).toEqual({ 'status 429': 1, 'status 503': 2 });
  });

  it('fires probability faults reproducibly from its seed', async () => {
    const runs: number[][] = [];
    for (let run = 0; run < 2; run++) {
      const seeded = await startEmulator({
        world: syntheticWorld({ devices: 1, reservations: 0 }),
        seed: 42,
      });
      seeded.inject('*', { kind: 'status', status: 500, probability: 0.5 });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) {
        const r = await fetch(`${seeded.url}/projects/${project}`, {
          headers: { 'X-Auth-Token': seeded.token },
        });
        statuses.push(r.status);
      }
      runs.push(statuses);
      await seeded.close();
    }
    expect(runs[0]).toEqual(runs[1]);
    expect(runs[0]).toContain(500);
    expect(runs[0]).toContain(200);
  });

  it('is controlled over HTTP too, for other processes', async () => {
    const origin = emulatorOf().url.replace('/metal/v1', '');
    await fetch(`${origin}/_emulator/faults`, {
      method: 'POST',
      body: JSON.stringify({
        operation: 'findProjectById',
        fault: { kind: 'status', status: 500 },
      }),
    });
    expect((await call('GET', `/projects/${project}`)).status).toBe(500);
    expect(await (await fetch(`${origin}/_emulator/counters`)).json()).toEqual({
      findProjectById: 1,
    });
  });
});
