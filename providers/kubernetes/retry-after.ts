import type { IncomingMessage } from 'node:http';

/**
 * How many times a request is sent while the API server answers "later": client-go's 10 retries.
 * Its Priority and Fairness rejects with 429 and a Retry-After of 1 to 32 s (doubled while it keeps
 * rejecting a priority level); a server shedding load says 5xx with a Retry-After.
 */
export const maxAttempts = 11;

/** No wait longer than this, whatever a server (or a proxy in front of it) says. */
const maxWaitMs = 60_000;

/**
 * The wait before sending a request again, as client-go's `checkWait`: a 429 or a 5xx that carries
 * a Retry-After in whole seconds; otherwise undefined (the answer stands). A write may go again:
 * the server did not take it in (a 429), or, after a 5xx such as a timeout, it may have, and the
 * CCM's writes are guarded (a second one conflicts instead of writing twice).
 */
export function retryAfterMs(response: IncomingMessage): number | undefined {
  const status = response.statusCode ?? 0;
  if (status !== 429 && status < 500) return undefined;
  const header = response.headers['retry-after'];
  if (header === undefined || !/^\s*\d+\s*$/.test(header)) return undefined;
  return Math.min(Number(header) * 1000, maxWaitMs);
}
