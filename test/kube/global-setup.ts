import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { KubeHarness, type KubeEnvironment } from './harness.ts';
import { addLocalAddresses } from './local-addresses.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    kube: KubeEnvironment;
  }
}

/**
 * Starts etcd and kube-apiserver once for the integration tests, and a loopback control endpoint
 * through which a test can restart kube-apiserver, and the local addresses of the control-plane
 * stand-ins. Missing binaries are built (or the run fails
 * saying how to build them); nothing is ever skipped.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const removeAddresses = await addLocalAddresses();
  const harness = new KubeHarness(join(tmpdir(), `metal-ccm-kube-${String(process.pid)}`));
  // A failed start has stopped what it started; the addresses go too.
  const env = await harness.start().catch(async (error: unknown) => {
    await removeAddresses();
    throw error;
  });
  const control = createServer((request, response) => {
    if (request.method === 'POST' && request.url === '/restart-apiserver') {
      harness.restartApiserver().then(
        () => response.writeHead(204).end(),
        (error: unknown) => response.writeHead(500).end(String(error)),
      );
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
  const { port } = control.address() as AddressInfo;
  project.provide('kube', { ...env, controlUrl: `http://127.0.0.1:${String(port)}` });
  return async () => {
    control.close();
    await harness.stop();
    await removeAddresses();
  };
}
