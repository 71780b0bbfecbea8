import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { UserInfo } from '../../../providers/kubernetes/reviews.ts';
import { DelegatedAuth, type Reviewer } from './auth.ts';
import type { DelegatedAuthOptions } from './options.ts';

const options: DelegatedAuthOptions = {
  skipLookup: true,
  tolerateLookupFailure: false,
  tokenCacheTtlMs: 10_000,
  allowCacheTtlMs: 10_000,
  denyCacheTtlMs: 5_000,
  alwaysAllowPaths: ['/healthz', '/readyz', '/livez', '/debug/*'],
};

/** A reviewer that knows two tokens and lets only the `prometheus` user get /metrics. */
function reviewer() {
  const calls = { token: 0, access: 0 };
  const users: Record<string, UserInfo> = {
    'prom-token': { username: 'prometheus', groups: ['system:authenticated'] },
    'admin-token': { username: 'admin', groups: ['system:masters'] },
    'other-token': { username: 'someone', groups: ['system:authenticated'] },
  };
  const fake: Reviewer = {
    token: (t) => {
      calls.token++;
      const user = users[t];
      return Promise.resolve(
        user === undefined
          ? { authenticated: false, error: 'invalid' }
          : { authenticated: true, user },
      );
    },
    access: (user, verb, path) => {
      calls.access++;
      return Promise.resolve({
        allowed: user.username === 'prometheus' && verb === 'get' && path === '/metrics',
        reason: '',
      });
    },
  };
  return { fake, calls };
}

const request = (token?: string, method = 'GET'): IncomingMessage =>
  ({
    method,
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    socket: {},
  }) as IncomingMessage;

describe('DelegatedAuth', () => {
  it('lets anyone read the always-allowed paths, and nobody anonymous read /metrics', async () => {
    const { fake, calls } = reviewer();
    const auth = new DelegatedAuth(fake, options);
    expect(await auth.decide(request(), '/healthz')).toEqual({ allowed: true });
    expect(await auth.decide(request(), '/debug/pprof')).toEqual({ allowed: true });
    expect(await auth.decide(request(), '/metrics')).toEqual({
      allowed: false,
      status: 403,
      message: 'forbidden: User "system:anonymous" cannot get path "/metrics"',
    });
    expect(calls.token).toBe(0);
  });

  it('refuses a token the API server does not vouch for with 401, even on an allowed path', async () => {
    const { fake } = reviewer();
    const auth = new DelegatedAuth(fake, options);
    expect(await auth.decide(request('stolen'), '/healthz')).toMatchObject({
      allowed: false,
      status: 401,
    });
  });

  it('asks the API server whether the token’s user may get /metrics; system:masters needs no question', async () => {
    const { fake, calls } = reviewer();
    const auth = new DelegatedAuth(fake, options);
    expect(await auth.decide(request('prom-token'), '/metrics')).toEqual({ allowed: true });
    expect(await auth.decide(request('other-token'), '/metrics')).toMatchObject({
      allowed: false,
      status: 403,
    });
    expect(await auth.decide(request('prom-token', 'POST'), '/metrics')).toMatchObject({
      message: 'forbidden: User "prometheus" cannot post path "/metrics"',
    });
    const before = calls.access;
    expect(await auth.decide(request('admin-token'), '/metrics')).toEqual({ allowed: true });
    expect(calls.access).toBe(before);
  });

  it('keeps answers for their TTLs', async () => {
    const { fake, calls } = reviewer();
    let now = 0;
    const auth = new DelegatedAuth(fake, options, () => now);
    await auth.decide(request('prom-token'), '/metrics');
    await auth.decide(request('prom-token'), '/metrics');
    expect(calls).toEqual({ token: 1, access: 1 });
    now = 10_000;
    await auth.decide(request('prom-token'), '/metrics');
    expect(calls).toEqual({ token: 2, access: 2 });
  });

  it('does not trust a client certificate before a client CA is set', async () => {
    const { fake } = reviewer();
    const auth = new DelegatedAuth(fake, options);
    const withCert = {
      method: 'GET',
      headers: {},
      socket: {
        authorized: true,
        getPeerCertificate: () => ({ subject: { CN: 'admin', O: 'system:masters' } }),
      },
    } as unknown as IncomingMessage;
    expect(await auth.decide(withCert, '/metrics')).toMatchObject({ allowed: false, status: 403 });
    auth.clientCertificates = true;
    expect(await auth.decide(withCert, '/metrics')).toEqual({ allowed: true });
  });
});
