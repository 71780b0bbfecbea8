import { describe, expect, it } from 'vitest';
import { runCli } from '../../engine/cli/cli.ts';
import { Capture } from '../support/fixture-plan.ts';
import { doctorConfig, useDoctorWorld } from '../support/doctor-world.ts';
import { kube } from '../support/integration.ts';

// `metal-ccm doctor`'s Metal checks (and the port of the control-plane Elastic IP it reserves),
// against the emulator and the real API server; the cluster's checks are in doctor-cluster.test.ts.
const doctorWorld = useDoctorWorld();

describe('metal-ccm doctor: the Metal project', () => {
  it('passes every check for a cluster the CCM can run in, as the CCM', async () => {
    const world = doctorWorld();
    const { code, checks } = await world.run();
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
    const world = doctorWorld();
    const stdout = new Capture();
    const code = await runCli(
      [
        'doctor',
        `--kubeconfig=${kube().ccmKubeconfig}`,
        `--cloud-config=${world.configPath}`,
        `--base-url=${world.emulator.url}`,
      ],
      { stdout, stderr: new Capture(), env: {} },
    );
    const lines = stdout.text.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ok {4}metal\.project: project ".*" \(0f6b7b9e-.*\) read: 3 devices/);
    expect(lines.at(-1)).toBe('13 ok, 0 warn, 0 fail');
    expect(stdout.text).not.toContain(doctorConfig.apiKey);
    expect(code).toBe(0);
  });

  it('fails when the API key does not read the project, never printing the key', async () => {
    const world = doctorWorld();
    const { code, check, text } = await world.run({ file: { apiKey: 'not-the-key' } });
    expect(check('metal.project')).toMatchObject({
      status: 'fail',
      seen: expect.stringContaining('refused the credentials'),
    });
    expect(text).not.toContain('not-the-key');
    expect(code).toBe(1);
  });

  it('fails on a metro Metal does not list', async () => {
    const world = doctorWorld();
    const { code, check } = await world.run({ file: { metro: 'zz' } });
    expect(check('metal.location')).toMatchObject({
      status: 'fail',
      seen: expect.stringContaining('metro "zz" is not one of Metal\'s (da, ny, sv)'),
    });
    expect(code).toBe(1);
  });

  it('fails when the project’s BGP is disabled, and warns on another ASN', async () => {
    const world = doctorWorld();
    const enabled = world.emulator.world.bgpConfig;
    try {
      world.emulator.world.bgpConfig = { ...enabled, asn: 65001 };
      expect((await world.run()).check('metal.bgp')).toMatchObject({
        status: 'warn',
        seen: expect.stringContaining('ASN 65001'),
      });
      world.emulator.world.bgpConfig = { ...enabled, status: 'disabled' };
      const { code, check } = await world.run();
      expect(check('metal.bgp')).toMatchObject({
        status: 'fail',
        seen: 'disabled, local, ASN 65000',
      });
      expect(code).toBe(1);
    } finally {
      world.emulator.world.bgpConfig = enabled;
    }
  });

  it('reads the rate-limit headroom from the answers: warns when low, fails when spent', async () => {
    const world = doctorWorld();
    world.emulator.setRateWindow({ limit: 100, remaining: 15 });
    expect((await world.run()).check('metal.rate-limit')).toMatchObject({
      status: 'warn',
      seen: expect.stringMatching(/^\d of 100 requests left, resets in \d+ s$/),
    });
    world.emulator.setRateWindow({ limit: 100, remaining: 1 });
    const { code, check } = await world.run();
    expect(check('metal.rate-limit')).toMatchObject({
      status: 'fail',
      seen: expect.stringMatching(/^0 of 100 requests left/),
    });
    expect(code).toBe(1);
  });

  it('fails when the control-plane EIP tag matches no reservation, or more than one', async () => {
    const world = doctorWorld();
    const none = await world.run({ args: ['--eip-tag=doctor-cp'] });
    expect(none.check('metal.control-plane-eip')).toMatchObject({
      status: 'fail',
      seen: 'no reservation carries the tag "doctor-cp"',
    });
    expect(none.code).toBe(1);
    const tagged = [await world.reserveTagged('doctor-cp'), await world.reserveTagged('doctor-cp')];
    try {
      const two = await world.run({ args: ['--eip-tag=doctor-cp'] });
      expect(two.check('metal.control-plane-eip')).toMatchObject({
        status: 'fail',
        seen: expect.stringContaining('2 reservations carry the tag "doctor-cp"'),
      });
      expect(two.code).toBe(1);
    } finally {
      for (const id of tagged) await world.release(id);
    }
  });

  it('warns when the control-plane EIP port is not the one default/kubernetes targets', async () => {
    const world = doctorWorld();
    const id = await world.reserveTagged('doctor-cp');
    try {
      const { check } = await world.run({
        args: ['--eip-tag=doctor-cp', '--api-server-port=1234'],
      });
      expect(check('metal.control-plane-eip').status).toBe('ok');
      expect(check('kubernetes.api-server-port')).toMatchObject({
        status: 'warn',
        seen: expect.stringMatching(/^apiServerPort is 1234; default\/kubernetes targets \d+$/),
      });
    } finally {
      await world.release(id);
    }
  });
});
