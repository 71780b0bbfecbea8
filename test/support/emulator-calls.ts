import { afterEach, beforeEach, expect } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/emulator.ts';
import { syntheticProject, syntheticWorld } from '../../emulator/synthetic.ts';

export interface Called {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

/** An emulator of a small synthetic project per test, which must end with no violation. */
export function useEmulator(): () => Emulator {
  let emulator: Emulator | undefined;
  beforeEach(async () => {
    emulator = await startEmulator({
      world: syntheticWorld({ devices: 3, reservations: 2 }),
      addressRange: { first: '127.0.100.1', count: 4 },
      quota: 4,
    });
  });
  afterEach(async () => {
    // Every answer given, and every request received, fitted the official schemas.
    expect(emulator?.violations).toEqual([]);
    await emulator?.close();
  });
  return () => {
    if (emulator === undefined) throw new Error('no emulator outside a test');
    return emulator;
  };
}

/** One API call; `body` is sent as JSON, or as it is when it is a string. */
export async function call(
  emulator: Emulator,
  method: string,
  path: string,
  body?: unknown,
  token = emulator.token,
): Promise<Called> {
  const response = await fetch(`${emulator.url}${path}`, {
    method,
    headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text === '' ? undefined : JSON.parse(text)) as Record<string, unknown>,
  };
}

/** Requests a public IPv4 /32 in `da`, with `body` laid over. */
export const reserve = (emulator: Emulator, body: Record<string, unknown> = {}): Promise<Called> =>
  call(emulator, 'POST', `/projects/${syntheticProject}/ips`, {
    type: 'public_ipv4',
    quantity: 1,
    metro: 'da',
    tags: ['usage=test'],
    ...body,
  });
