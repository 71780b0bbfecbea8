import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KubeHarness } from '../kube/harness.ts';

/** Whether a process of that id still exists (signal 0 only asks). */
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the harness', () => {
  it('stops etcd and kube-apiserver when its setup fails after starting them', async () => {
    const crds = await mkdtemp(join(tmpdir(), 'metal-ccm-bad-crds-'));
    await writeFile(join(crds, 'broken.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n');
    const harness = new KubeHarness(await mkdtemp(join(tmpdir(), 'metal-ccm-harness-')), { crds });
    try {
      await expect(harness.start()).rejects.toThrow(/cannot create a Pod/);
      const pids = harness.processes.map((p) => p.pid ?? 0);
      expect(pids).toHaveLength(2); // both had started before the CRDs were installed
      expect(pids.filter(alive)).toEqual([]);
    } finally {
      await harness.stop();
      await rm(crds, { recursive: true, force: true });
    }
  });
});
