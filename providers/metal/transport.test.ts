import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Sensitive } from '../../model/sensitive.ts';
import { baseURL, useHttpMock } from '../../test/support/http-mock.ts';
import { getProject, requestReservation } from '../../test/support/metal-requests.ts';
import { MetalApiError, isUnauthorized } from './errors.ts';
import { rateLimitPauseMs } from './rate-limit.ts';
import { MetalTransport, type TransportOptions } from './transport.ts';

const token = 'tok-very-secret-42';

/** nock 14 wants Error objects to mimic Node's network errors. */
function netError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/** A transport on a fake clock: sleeping advances time and is recorded, nothing really waits. */
function transport(options: Partial<TransportOptions> = {}) {
  const clock = { now: 1_000_000, sleeps: [] as number[] };
  const t = new MetalTransport({
    baseURL,
    token: new Sensitive(token),
    retries: 3,
    random: () => 0.5,
    now: () => clock.now,
    sleep: (ms) => {
      clock.sleeps.push(ms);
      clock.now += ms;
      return Promise.resolve();
    },
    ...options,
  });
  return { t, clock };
}

const get = getProject;
const create = requestReservation;

describe('MetalTransport', () => {
  const api = useHttpMock();

  it('sends the token in X-Auth-Token and JSON headers', async () => {
    api()
      .matchHeader('x-auth-token', token)
      .matchHeader('accept', 'application/json')
      .get('/projects/p')
      .reply(200, { id: 'p' });
    const { t } = transport();
    await expect(t.send(get)).resolves.toEqual({ status: 200, data: { id: 'p' } });
  });

  it('keeps the status, method, path and both kinds of API message in its error', async () => {
    api()
      .get('/projects/p')
      .reply(422, { errors: ['first', 'second'], error: 'third' });
    const error = (await transport()
      .t.send(get)
      .catch((e: unknown) => e)) as MetalApiError;
    expect(error).toBeInstanceOf(MetalApiError);
    expect(error).toMatchObject({
      status: 422,
      method: 'GET',
      path: '/projects/p',
      operation: 'findProjectById',
      messages: ['first', 'second', 'third'],
    });
    expect(error.message).toBe(
      'Metal API findProjectById (GET /projects/p) failed: 422: first; second; third',
    );
  });

  it('never puts the token in an error, whatever way it is printed', async () => {
    api().get('/projects/p').reply(401, { error: 'Invalid authentication token' });
    api().get('/projects/p').times(4).replyWithError(netError('ECONNRESET', 'socket hang up'));
    for (const expected of [401, undefined]) {
      const error = (await transport()
        .t.send(get)
        .catch((e: unknown) => e)) as MetalApiError;
      expect(error.status).toBe(expected);
      for (const shown of [
        error.message,
        JSON.stringify(error),
        inspect(error, { depth: 10 }),
        String(error.stack),
      ]) {
        expect(shown).not.toContain(token);
      }
    }
  });

  it('recognises an unauthorized answer', async () => {
    api().get('/projects/p').reply(401, { error: 'Invalid authentication token' });
    expect(
      isUnauthorized(
        await transport()
          .t.send(get)
          .catch((e: unknown) => e),
      ),
    ).toBe(true);
  });

  it('retries an idempotent call on 5xx with growing backoff, then succeeds', async () => {
    api().get('/projects/p').reply(503, { error: 'busy' });
    api().get('/projects/p').reply(500, { error: 'oops' });
    api().get('/projects/p').reply(200, { id: 'p' });
    const { t, clock } = transport({ backoffBaseMs: 100 });
    await expect(t.send(get)).resolves.toMatchObject({ status: 200 });
    expect(clock.sleeps).toEqual([50, 100]); // half (jitter 0.5) of 100·2^attempt
  });

  it('gives up after the configured retries', async () => {
    api().get('/projects/p').times(4).reply(500, { error: 'oops' });
    await expect(transport().t.send(get)).rejects.toMatchObject({ status: 500 });
  });

  it('never retries a create after a 5xx or a reset connection: it may have happened', async () => {
    api().post('/projects/p/ips').reply(500, { error: 'oops' });
    await expect(transport().t.send(create)).rejects.toMatchObject({ status: 500 });
    api().post('/projects/p/ips').replyWithError(netError('ECONNRESET', 'reset'));
    await expect(transport().t.send(create)).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('retries a create whose request never reached the server', async () => {
    api().post('/projects/p/ips').replyWithError(netError('ECONNREFUSED', 'refused'));
    api().post('/projects/p/ips').reply(201, { id: 'r' });
    await expect(transport().t.send(create)).resolves.toMatchObject({ status: 201 });
  });

  it('retries an idempotent call after a network error', async () => {
    api().get('/projects/p').replyWithError(netError('ECONNRESET', 'reset'));
    api().get('/projects/p').reply(200, {});
    await expect(transport().t.send(get)).resolves.toMatchObject({ status: 200 });
  });

  it('times out a slow answer and retries only what is idempotent', async () => {
    api().get('/projects/p').delay(300).reply(200, {});
    api().get('/projects/p').reply(200, { ok: true });
    const { t } = transport({ timeoutMs: 50 });
    await expect(t.send(get)).resolves.toMatchObject({ data: { ok: true } });
    api().post('/projects/p/ips').delay(300).reply(201, {});
    // No answer, so no status; and a create is not sent twice.
    await expect(transport({ timeoutMs: 50 }).t.send(create)).rejects.toMatchObject({
      status: undefined,
    });
  });

  it('pauses every call of the process after a 429, until Retry-After', async () => {
    api()
      .get('/projects/p')
      .reply(429, { errors: ['Rate limit exceeded'] }, { 'Retry-After': '3' });
    api().get('/projects/p').reply(200, { first: true });
    const pauses: number[] = [];
    const { t, clock } = transport({ onRateLimited: (ms) => pauses.push(ms) });
    const started = clock.now;
    await expect(t.send(get)).resolves.toMatchObject({ data: { first: true } });
    expect(pauses).toEqual([3000]);
    expect(t.pausedUntil).toBe(started + 3000);
    // Another call, even of another operation, waits for the same pause.
    clock.now = started + 1000;
    clock.sleeps.length = 0;
    api().post('/projects/p/ips').reply(201, {});
    await t.send(create);
    expect(clock.sleeps).toEqual([2000]);
  });

  it('retries a create rejected by the rate limit: it was not carried out', async () => {
    api()
      .post('/projects/p/ips')
      .reply(429, {}, { 'X-RateLimit-Reset': String(1_000_000 / 1000 + 5) });
    api().post('/projects/p/ips').reply(201, { id: 'r' });
    const { t, clock } = transport();
    await expect(t.send(create)).resolves.toMatchObject({ status: 201 });
    expect(clock.sleeps).toEqual([5000]);
  });

  it('keeps to its concurrency limit', async () => {
    let active = 0;
    let most = 0;
    api()
      .get('/projects/p')
      .times(6)
      .reply(async () => {
        most = Math.max(most, ++active);
        await new Promise((resolve) => setTimeout(resolve, 20));
        active--;
        return [200, {}];
      });
    const { t } = transport({ concurrency: 2 });
    await Promise.all(Array.from({ length: 6 }, () => t.send(get)));
    expect(most).toBe(2);
  });
});

describe('rateLimitPauseMs', () => {
  it('reads Retry-After seconds, an HTTP date, or X-RateLimit-Reset epoch seconds', () => {
    expect(rateLimitPauseMs({ 'retry-after': '7' }, 0)).toBe(7000);
    expect(rateLimitPauseMs({ 'retry-after': new Date(10_000).toUTCString() }, 4000)).toBe(6000);
    expect(rateLimitPauseMs({ 'x-ratelimit-reset': '20' }, 15_000)).toBe(5000);
    expect(rateLimitPauseMs({}, 0)).toBeUndefined();
  });
});
