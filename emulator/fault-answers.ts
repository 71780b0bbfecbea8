import type { Answer } from './answers.ts';
import type { Fault } from './faults.ts';

/** A 429 as Metal sends it (rate-limit headers, `Retry-After` when given), or a 5xx. */
export function statusAnswer(fault: Fault & { kind: 'status' }, now = Date.now()): Answer {
  if (fault.status !== 429)
    return { status: fault.status, body: { error: 'Internal server error' } };
  const reset = Math.ceil(now / 1000) + (fault.retryAfterSeconds ?? 1);
  return {
    status: 429,
    body: { errors: ['Rate limit exceeded'] },
    headers: {
      'x-ratelimit-limit': '100',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(reset),
      ...(fault.retryAfterSeconds === undefined
        ? {}
        : { 'retry-after': String(fault.retryAfterSeconds) }),
    },
  };
}

/** What a proxy in front of the API might answer: 200, and a page that is not JSON. */
export const notJsonAnswer: Answer = {
  status: 200,
  body: '<html><body><h1>Welcome</h1><p>Please sign in to continue.</p></body></html>',
  headers: { 'content-type': 'text/html; charset=utf-8' },
};
