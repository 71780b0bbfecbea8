import { sleep } from '../../providers/metal/deadline.ts';
import type { Logger } from '../cli/logging.ts';

/**
 * What went wrong talking to the API server, in one line: a fetch error's cause (`connect
 * ECONNREFUSED 10.0.0.1:6443`, `self-signed certificate`), or the API's own answer.
 */
export function describeKubeFailure(error: unknown): string {
  const parts: string[] = [];
  let at: unknown = error;
  for (let depth = 0; at instanceof Error && depth < 5; depth++) {
    const code = (at as NodeJS.ErrnoException).code;
    const text = at.message === 'fetch failed' ? '' : at.message;
    if (text !== '' && !parts.some((p) => p.includes(text))) parts.push(text);
    else if (code !== undefined && !parts.some((p) => p.includes(code))) parts.push(code);
    at = at.cause;
  }
  return parts.length === 0 ? String(error) : parts.join(': ');
}

export interface ConnectOptions {
  readonly server: string;
  readonly log: Logger;
  readonly signal: AbortSignal;
  /** Told why it is not connected yet, and undefined once it is. */
  readonly onProblem: (problem: string | undefined) => void;
  readonly baseMs?: number;
  readonly maxMs?: number;
}

/**
 * Runs `connect` until it succeeds (true) or the signal stops it (false), waiting 1 s, 2 s, 4 s …
 * up to 30 s (with jitter) between attempts; every failure names the server and the cause.
 */
export async function untilConnected(
  connect: () => Promise<void>,
  options: ConnectOptions,
): Promise<boolean> {
  const base = options.baseMs ?? 1000;
  const stopped = (): boolean => options.signal.aborted;
  for (let attempt = 0; !stopped(); attempt++) {
    try {
      await connect();
      options.onProblem(undefined);
      return true;
    } catch (error) {
      if (stopped()) return false;
      const ms =
        Math.min(options.maxMs ?? 30_000, base * 2 ** Math.min(attempt, 10)) *
        (0.8 + Math.random() * 0.4);
      const problem = `the Kubernetes API at ${options.server} cannot be used: ${describeKubeFailure(error)}`;
      options.onProblem(problem);
      options.log.warn(
        { server: options.server, retryInSeconds: Math.round(ms / 100) / 10 },
        `${problem}; retrying`,
      );
      // Stopped while waiting: the loop's check above ends it.
      await sleep(ms, options.signal).catch(() => undefined);
    }
  }
  return false;
}
