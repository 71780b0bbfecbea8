import { execFile } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Addresses the control-plane tests give their stand-ins and the control-plane EIP. The API server
 * refuses loopback (127/8) endpoints in EndpointSlices, so the stand-ins need addresses of their
 * own: taken from the shared address space (RFC 6598), put on `lo` for the run, removed after.
 */
export const standInAddresses = ['100.64.10.1', '100.64.10.2', '100.64.10.3'] as const;
export const controlPlaneEipAddress = '100.64.20.1';
const all = [...standInAddresses, controlPlaneEipAddress];

const present = (): Set<string> =>
  new Set(
    Object.values(networkInterfaces())
      .flat()
      .map((i) => i?.address)
      .filter((a) => a !== undefined),
  );

/** Puts the missing addresses on `lo`; returns a function that takes them away again. */
export async function addLocalAddresses(): Promise<() => Promise<void>> {
  const have = present();
  const added: string[] = [];
  for (const address of all) {
    if (have.has(address)) continue;
    try {
      await run('ip', ['addr', 'add', `${address}/32`, 'dev', 'lo']);
      added.push(address);
    } catch (error) {
      throw new Error(
        `the control-plane tests need ${all.join(', ')} on a local interface, and adding ${address} to lo failed ` +
          `(${String(error).split('\n')[0] ?? ''}). Run the tests as root (or with CAP_NET_ADMIN), or add them once: ` +
          all.map((a) => `sudo ip addr add ${a}/32 dev lo`).join('; '),
        { cause: error },
      );
    }
  }
  return async () => {
    for (const address of added)
      await run('ip', ['addr', 'del', `${address}/32`, 'dev', 'lo']).catch(() => undefined);
  };
}
