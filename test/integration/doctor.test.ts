import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/emulator.ts';
import { runCli } from '../../engine/cli/cli.ts';
import type { Check } from '../../engine/doctor/check.ts';
import { metalWorldSchema } from '../../providers/fixture/metal.ts';
import { resourcePath, resources } from '../../providers/kubernetes/resources.ts';
import { Capture } from '../support/fixture-plan.ts';
import { admin, forceDelete, kube } from '../support/integration.ts';

const config = {
  apiKey: 'doctor-token-8c2f',
  projectID: '0f6b7b9e-2c1a-4e6f-9a57-3f0c1c0d6a11',
  metro: 'da',
  loadbalancer: 'kube-vip://',
};
const devices = ['cp-1', 'worker-1', 'worker-2'];
const uninitialized = {
  key: 'node.cloudprovider.kubernetes.io/uninitialized',
  value: 'true',
  effect: 'NoSchedule',
};
const lease = { namespace: 'kube-system', name: 'cloud-controller-manager' };
let emulator: Emulator;
let configPath: string;
let extraNodes: string[] = [];

/** `metal-ccm doctor --output json` in-process: the exit code and the checks by name. */
async function doctor(options: { kubeconfig?: string; args?: string[]; file?: object } = {}) {
  const stdout = new Capture();
  const stderr = new Capture();
  const path = options.file === undefined ? configPath : join(configPath, '..', 'other.json');
  if (options.file !== undefined)
    await writeFile(path, JSON.stringify({ ...config, ...options.file }));
  const code = await runCli(
    [
      'doctor',
      '--output=json',
      `--kubeconfig=${options.kubeconfig ?? kube().ccmKubeconfig}`,
      `--cloud-config=${path}`,
      `--base-url=${emulator.url}`,
      ...(options.args ?? []),
    ],
    { stdout, stderr, env: {} },
  );
  expect(stderr.text).toBe('');
  const { checks } = JSON.parse(stdout.text) as { checks: Check[] };
  const byName = new Map(checks.map((c) => [c.name, c]));
  const check = (name: string): Check => {
    const found = byName.get(name);
    if (found === undefined) throw new Error(`no check ${name} in ${stdout.text}`);
    return found;
  };
  return { code, checks, check, text: stdout.text };
}

/** A reservation tagged for the control plane, requested as a user would (through the API). */
async function reserveTagged(tag: string): Promise<string> {
  const answer = await fetch(`${emulator.url}/projects/${config.projectID}/ips`, {
    method: 'POST',
    headers: { 'X-Auth-Token': config.apiKey, 'Content-Type': 'application/json' },
    body: JSON.stringify({ type: 'public_ipv4', quantity: 1, metro: 'da', tags: [tag] }),
  });
  expect(answer.status).toBe(201);
  return ((await answer.json()) as { id: string }).id;
}

async function release(id: string): Promise<void> {
  const answer = await fetch(`${emulator.url}/ips/${id}`, {
    method: 'DELETE',
    headers: { 'X-Auth-Token': config.apiKey },
  });
  expect(answer.status).toBe(204);
}

async function createNode(name: string, spec: object): Promise<void> {
  await admin().request({
    method: 'POST',
    path: resourcePath(resources.Node),
    body: { apiVersion: 'v1', kind: 'Node', metadata: { name }, spec },
  });
}

beforeAll(async () => {
  const world = metalWorldSchema.parse(
    JSON.parse(await readFile('fixtures/lb-fresh/metal.json', 'utf8')),
  );
  emulator = await startEmulator({ world, token: config.apiKey });
  emulator.world.bgpConfig = {
    id: 'a4bcd1e2-0b1c-4d5e-8f90-123456789abc',
    status: 'enabled',
    asn: 65000,
    deployment_type: 'local',
    max_prefix: 10,
  };
  configPath = join(await mkdtemp(join(tmpdir(), 'metal-ccm-doctor-')), 'cloud-sa.json');
  await writeFile(configPath, JSON.stringify(config));
  for (const name of devices) await createNode(name, { taints: [uninitialized] });
});

afterEach(async () => {
  for (const name of extraNodes) await forceDelete(resourcePath(resources.Node, { name }));
  extraNodes = [];
  emulator.setRateWindow(undefined);
  expect(emulator.violations).toEqual([]);
});

afterAll(async () => {
  await emulator.close();
  for (const name of devices) await forceDelete(resourcePath(resources.Node, { name }));
  await forceDelete(resourcePath(resources.Lease, lease));
});

describe('metal-ccm doctor against the real API server and the emulator', () => {
  it('passes every check for a cluster the CCM can run in, as the CCM', async () => {
    const { code, checks } = await doctor();
    expect(checks.filter((c) => c.status !== 'ok')).toEqual([]);
    expect(checks.map((c) => c.name)).toEqual([
      'metal.project',
      'metal.location',
      'metal.bgp',
      'metal.rate-limit',
      'metal.control-plane-eip',
      'kubernetes.reachable',
      'kubernetes.access',
      'kubernetes.lease',
      'kubernetes.api-server-port',
      'nodes.external-cloud-provider',
      'nodes.devices',
      'nodes.duplicate-hostnames',
      'load-balancer',
    ]);
    expect(code).toBe(0);
  });

  it('prints one line per check and a summary for people', async () => {
    const stdout = new Capture();
    const code = await runCli(
      [
        'doctor',
        `--kubeconfig=${kube().ccmKubeconfig}`,
        `--cloud-config=${configPath}`,
        `--base-url=${emulator.url}`,
      ],
      { stdout, stderr: new Capture(), env: {} },
    );
    const lines = stdout.text.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ok {4}metal\.project: project ".*" \(0f6b7b9e-.*\) read: 3 devices/);
    expect(lines.at(-1)).toBe('13 ok, 0 warn, 0 fail');
    expect(stdout.text).not.toContain(config.apiKey);
    expect(code).toBe(0);
  });

  it('fails when the API key does not read the project, never printing the key', async () => {
    const { code, check, text } = await doctor({ file: { apiKey: 'not-the-key' } });
    expect(check('metal.project')).toMatchObject({
      status: 'fail',
      seen: expect.stringContaining('refused the credentials'),
    });
    expect(text).not.toContain('not-the-key');
    expect(code).toBe(1);
  });

  it('fails on a metro Metal does not list', async () => {
    const { code, check } = await doctor({ file: { metro: 'zz' } });
    expect(check('metal.location')).toMatchObject({
      status: 'fail',
      seen: expect.stringContaining('metro "zz" is not one of Metal\'s (da, ny, sv)'),
    });
    expect(code).toBe(1);
  });

  it('fails when the project’s BGP is disabled, and warns on another ASN', async () => {
    const enabled = emulator.world.bgpConfig;
    try {
      emulator.world.bgpConfig = { ...enabled, asn: 65001 };
      expect((await doctor()).check('metal.bgp')).toMatchObject({
        status: 'warn',
        seen: expect.stringContaining('ASN 65001'),
      });
      emulator.world.bgpConfig = { ...enabled, status: 'disabled' };
      const { code, check } = await doctor();
      expect(check('metal.bgp')).toMatchObject({
        status: 'fail',
        seen: 'disabled, local, ASN 65000',
      });
      expect(code).toBe(1);
    } finally {
      emulator.world.bgpConfig = enabled;
    }
  });

  it('reads the rate-limit headroom from the answers: warns when low, fails when spent', async () => {
    emulator.setRateWindow({ limit: 100, remaining: 15 });
    expect((await doctor()).check('metal.rate-limit')).toMatchObject({
      status: 'warn',
      seen: expect.stringMatching(/^\d of 100 requests left, resets in \d+ s$/),
    });
    emulator.setRateWindow({ limit: 100, remaining: 1 });
    const { code, check } = await doctor();
    expect(check('metal.rate-limit')).toMatchObject({
      status: 'fail',
      seen: expect.stringMatching(/^0 of 100 requests left/),
    });
    expect(code).toBe(1);
  });

  it('fails when the control-plane EIP tag matches no reservation, or more than one', async () => {
    const none = await doctor({ args: ['--eip-tag=doctor-cp'] });
    expect(none.check('metal.control-plane-eip')).toMatchObject({
      status: 'fail',
      seen: 'no reservation carries the tag "doctor-cp"',
    });
    expect(none.code).toBe(1);
    const tagged = [await reserveTagged('doctor-cp'), await reserveTagged('doctor-cp')];
    try {
      const two = await doctor({ args: ['--eip-tag=doctor-cp'] });
      expect(two.check('metal.control-plane-eip')).toMatchObject({
        status: 'fail',
        seen: expect.stringContaining('2 reservations carry the tag "doctor-cp"'),
      });
      expect(two.code).toBe(1);
    } finally {
      for (const id of tagged) await release(id);
    }
  });

  it('warns when the control-plane EIP port is not the one default/kubernetes targets', async () => {
    const id = await reserveTagged('doctor-cp');
    try {
      const { check } = await doctor({ args: ['--eip-tag=doctor-cp', '--api-server-port=1234'] });
      expect(check('metal.control-plane-eip').status).toBe('ok');
      expect(check('kubernetes.api-server-port')).toMatchObject({
        status: 'warn',
        seen: expect.stringMatching(/^apiServerPort is 1234; default\/kubernetes targets \d+$/),
      });
    } finally {
      await release(id);
    }
  });

  it('fails when the Kubernetes API server cannot be reached', async () => {
    const dead = join(configPath, '..', 'dead.kubeconfig');
    const text = await readFile(kube().ccmKubeconfig, 'utf8');
    await writeFile(dead, text.replace(/server: [^,}\n]*/, 'server: https://127.0.0.1:1'));
    const { code, check } = await doctor({ kubeconfig: dead });
    expect(check('kubernetes.reachable')).toMatchObject({
      status: 'fail',
      seen: expect.stringContaining('127.0.0.1:1'),
    });
    expect(code).toBe(1);
  });

  it('fails for an identity without the RBAC, naming the denied verbs', async () => {
    const { code, check } = await doctor({ kubeconfig: kube().plannerKubeconfig });
    expect(check('kubernetes.access')).toMatchObject({
      status: 'fail',
      seen: expect.stringMatching(/needed verbs denied: patch nodes in the cluster/),
    });
    expect(code).toBe(1);
  });

  it('warns when another holder is renewing the Lease', async () => {
    await admin().request({
      method: 'POST',
      path: resourcePath(resources.Lease, { namespace: lease.namespace }),
      body: {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: lease.name },
        spec: {
          holderIdentity: 'upstream-ccm_1',
          leaseDurationSeconds: 15,
          renewTime: new Date().toISOString().replace('Z', '000Z'),
        },
      },
    });
    try {
      expect((await doctor()).check('kubernetes.lease')).toMatchObject({
        status: 'warn',
        seen: expect.stringMatching(/renewed by upstream-ccm_1 \(\d+ s ago\)/),
      });
    } finally {
      await forceDelete(resourcePath(resources.Lease, lease));
    }
  });

  it('fails on a Node whose kubelet was not started for an external cloud provider', async () => {
    extraNodes = ['doctor-plain'];
    await createNode('doctor-plain', {});
    const { code, check } = await doctor();
    expect(check('nodes.external-cloud-provider')).toMatchObject({
      status: 'fail',
      seen: expect.stringContaining(
        'have neither a provider ID nor the node.cloudprovider.kubernetes.io/uninitialized taint: doctor-plain',
      ),
    });
    expect(code).toBe(1);
  });

  it('fails on Nodes without a device: no hostname match, or a device gone', async () => {
    extraNodes = ['doctor-ghost', 'doctor-gone'];
    await createNode('doctor-ghost', { taints: [uninitialized] });
    await createNode('doctor-gone', {
      providerID: 'equinixmetal://11111111-2222-4333-8444-555555555555',
    });
    const { code, check } = await doctor();
    const { seen } = check('nodes.devices');
    expect(check('nodes.devices').status).toBe('fail');
    expect(seen).toContain('2 of 5 Nodes without a device');
    expect(seen).toContain('doctor-ghost: no provider ID and no device named "doctor-ghost"');
    expect(seen).toContain(
      'doctor-gone: device 11111111-2222-4333-8444-555555555555 is not in the project',
    );
    expect(code).toBe(1);
  });

  it('fails when devices share the hostname of a Node to be matched by hostname', async () => {
    const original = [...emulator.world.devices.values()].find((d) => d['hostname'] === 'worker-1');
    const twinId = '99999999-8888-4777-8666-555555555555';
    emulator.world.devices.set(twinId, { ...original, id: twinId });
    try {
      const { code, check } = await doctor();
      expect(check('nodes.duplicate-hostnames')).toMatchObject({
        status: 'fail',
        seen: 'devices share the hostnames "worker-1", and a Node without a provider ID is so named',
      });
      expect(code).toBe(1);
    } finally {
      emulator.world.devices.delete(twinId);
    }
  });

  it('fails when MetalLB’s ConfigMap is absent, and reads the CRDs’ served versions', async () => {
    await forceDelete(
      resourcePath(resources.ConfigMap, { namespace: 'metallb-system', name: 'config' }),
    );
    const missing = await doctor({
      file: { loadbalancer: 'metallb:///metallb-system/config' },
    });
    expect(missing.check('load-balancer')).toMatchObject({
      status: 'fail',
      seen: 'MetalLB ConfigMap metallb-system/config is absent',
    });
    expect(missing.code).toBe(1);
    const crds = await doctor({
      file: { loadbalancer: 'metallb:///metallb-system?crdConfiguration=true' },
    });
    expect(crds.check('load-balancer')).toMatchObject({
      status: 'ok',
      seen: expect.stringMatching(
        /^MetalLB CRDs served: ipaddresspools .*v1beta1.*, bgpadvertisements .*v1beta1.*, bgppeers .*v1beta2/,
      ),
    });
  });
});
