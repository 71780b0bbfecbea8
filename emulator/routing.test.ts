import { createServer, type Server } from 'node:net';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from './emulator.ts';
import { syntheticProject, syntheticWorld } from './synthetic.ts';

const token = 'routing-token';
const eip = '127.0.31.1';
let emulator: Emulator | undefined;
const servers: Server[] = [];

afterEach(async () => {
  await emulator?.close();
  for (const s of servers.splice(0)) await new Promise((resolve) => s.close(resolve));
});

/** A device's stand-in on its private address: answers its own name to any connection. */
async function standIn(address: string, port: number, name: string): Promise<void> {
  const server = createServer((socket) => socket.end(name));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, address, resolve));
}

/** What `<eip>:<port>` answers now, or the error code. */
function call(port: number): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const socket = connect(port, eip);
    socket.on('data', (chunk) => (text += chunk.toString()));
    socket.on('end', () => {
      resolve(text);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      resolve(error.code ?? 'error');
    });
  });
}

async function api(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${emulator?.url ?? ''}${path}`, {
    method,
    headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return response.status === 204 ? {} : ((await response.json()) as Record<string, unknown>);
}

describe('Elastic IP routing on loopback', () => {
  it('forwards <eip>:<port> to the device holding it, follows a move, and stops on unassign', async () => {
    const world = syntheticWorld({ devices: 2, reservations: 0 });
    const devices = (world.devices as Record<string, unknown>[]).map((d, i) => ({
      ...d,
      id: String(d['id']),
      ip_addresses: (d['ip_addresses'] as Record<string, unknown>[]).map((a) =>
        a['public'] === false ? { ...a, address: `127.0.30.${String(i + 1)}`, cidr: 32 } : a,
      ),
    }));
    const port = 40000 + Math.floor(Math.random() * 20000);
    await standIn('127.0.30.1', port, 'first');
    await standIn('127.0.30.2', port, 'second');
    emulator = await startEmulator({
      world: { ...world, devices },
      token,
      addressRange: { first: eip, count: 1 },
      routeElasticIps: { ports: [port] },
    });
    await api('POST', `/projects/${syntheticProject}/ips`, {
      type: 'public_ipv4',
      quantity: 1,
      metro: 'da',
      tags: ['cp'],
    });
    expect(await call(port)).toBe('ECONNREFUSED');
    const [first, second] = devices.map((d) => d.id);
    const assigned = await api('POST', `/devices/${first ?? ''}/ips`, { address: `${eip}/32` });
    expect(await call(port)).toBe('first');
    await api('DELETE', `/ips/${String(assigned['id'])}`);
    expect(await call(port)).toBe('ECONNREFUSED');
    await api('POST', `/devices/${second ?? ''}/ips`, { address: `${eip}/32` });
    expect(await call(port)).toBe('second');
    expect(emulator.violations).toEqual([]);
  });
});
