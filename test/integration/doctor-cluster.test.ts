import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resourcePath, resources } from '../../providers/kubernetes/resources.ts';
import { ccmLease, uninitialized, useDoctorWorld } from '../support/doctor-world.ts';
import { admin, forceDelete, kube } from '../support/integration.ts';

// `metal-ccm doctor`'s checks of the cluster: the API server, the identity's verbs, the Lease, the
// Nodes, the load balancer; each failing one provoked on the real API server.
const doctorWorld = useDoctorWorld();

describe('metal-ccm doctor: the cluster', () => {
  it('fails when the Kubernetes API server cannot be reached', async () => {
    const world = doctorWorld();
    const dead = join(world.configPath, '..', 'dead.kubeconfig');
    const text = await readFile(kube().ccmKubeconfig, 'utf8');
    await writeFile(dead, text.replace(/server: [^,}\n]*/, 'server: https://127.0.0.1:1'));
    const { code, check } = await world.run({ kubeconfig: dead });
    expect(check('kubernetes.reachable')).toMatchObject({
      status: 'fail',
      seen: expect.stringContaining('127.0.0.1:1'),
    });
    expect(code).toBe(1);
  });

  it('fails for an identity without the RBAC, naming the denied verbs', async () => {
    const world = doctorWorld();
    const { code, check } = await world.run({ kubeconfig: kube().plannerKubeconfig });
    expect(check('kubernetes.access')).toMatchObject({
      status: 'fail',
      seen: expect.stringMatching(/needed verbs denied: patch nodes in the cluster/),
    });
    expect(code).toBe(1);
  });

  it('warns when another holder is renewing the Lease', async () => {
    const world = doctorWorld();
    await admin().request({
      method: 'POST',
      path: resourcePath(resources.Lease, { namespace: ccmLease.namespace }),
      body: {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: ccmLease.name },
        spec: {
          holderIdentity: 'upstream-ccm_1',
          leaseDurationSeconds: 15,
          renewTime: new Date().toISOString().replace('Z', '000Z'),
        },
      },
    });
    try {
      expect((await world.run()).check('kubernetes.lease')).toMatchObject({
        status: 'warn',
        seen: expect.stringMatching(/renewed by upstream-ccm_1 \(\d+ s ago\)/),
      });
    } finally {
      await forceDelete(resourcePath(resources.Lease, ccmLease));
    }
  });

  it('fails on a Node whose kubelet was not started for an external cloud provider', async () => {
    const world = doctorWorld();
    await world.addNode('doctor-plain', {});
    const { code, check } = await world.run();
    expect(check('nodes.external-cloud-provider')).toMatchObject({
      status: 'fail',
      seen: expect.stringContaining(
        'have neither a provider ID nor the node.cloudprovider.kubernetes.io/uninitialized taint: doctor-plain',
      ),
    });
    expect(code).toBe(1);
  });

  it('fails on Nodes without a device: no hostname match, or a device gone', async () => {
    const world = doctorWorld();
    await world.addNode('doctor-ghost', { taints: [uninitialized] });
    await world.addNode('doctor-gone', {
      providerID: 'equinixmetal://11111111-2222-4333-8444-555555555555',
    });
    const { code, check } = await world.run();
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
    const world = doctorWorld();
    const original = [...world.emulator.world.devices.values()].find(
      (d) => d['hostname'] === 'worker-1',
    );
    const twinId = '99999999-8888-4777-8666-555555555555';
    world.emulator.world.devices.set(twinId, { ...original, id: twinId });
    try {
      const { code, check } = await world.run();
      expect(check('nodes.duplicate-hostnames')).toMatchObject({
        status: 'fail',
        seen: 'devices share the hostnames "worker-1", and a Node without a provider ID is so named',
      });
      expect(code).toBe(1);
    } finally {
      world.emulator.world.devices.delete(twinId);
    }
  });

  it('fails when MetalLB’s ConfigMap is absent, and reads the CRDs’ served versions', async () => {
    const world = doctorWorld();
    await forceDelete(
      resourcePath(resources.ConfigMap, { namespace: 'metallb-system', name: 'config' }),
    );
    const missing = await world.run({
      file: { loadbalancer: 'metallb:///metallb-system/config' },
    });
    expect(missing.check('load-balancer')).toMatchObject({
      status: 'fail',
      seen: 'MetalLB ConfigMap metallb-system/config is absent',
    });
    expect(missing.code).toBe(1);
    const crds = await world.run({
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
