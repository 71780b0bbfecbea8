import { describe, expect, it } from 'vitest';
import { Capture } from '../../../test/support/fixture-plan.ts';
import {
  everyUpstreamFlag,
  upstreamCommand,
  upstreamFlags,
} from '../../../test/upstream/upstream.ts';
import { runCli } from '../cli.ts';
import { normaliseComponentArgs } from './argv.ts';
import { componentFlags } from './flag-table.ts';
import { componentOptions } from './options.ts';

async function cli(argv: readonly string[]) {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runCli(argv, { stdout, stderr, env: {} });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** The component options of a command line, as the run command reads them. */
function optionsOf(argv: readonly string[]) {
  const { argv: normal, given } = normaliseComponentArgs(argv, componentFlags);
  const args: Record<string, string> = Object.fromEntries(
    normal
      .map((a) => /^--([^=]+)=(.*)$/s.exec(a))
      .flatMap((m) => (m === null ? [] : [[m[1], m[2]]])),
  );
  return componentOptions(args, given);
}

const errorsOf = (argv: readonly string[]): string[] => {
  try {
    optionsOf(argv);
    return [];
  } catch (error) {
    return [...(error as { problems: string[] }).problems];
  }
};

describe('the command line of the Kubernetes cloud-controller-manager', () => {
  it('knows every flag of the upstream binary (75), and no other but -v and --allow-untagged-cloud', () => {
    expect(upstreamFlags).toHaveLength(75);
    const known = Object.keys(componentFlags).map((n) => `--${n}`);
    expect(upstreamFlags.filter((f) => !known.includes(f))).toEqual([]);
    expect(known.filter((f) => !upstreamFlags.includes(f)).sort()).toEqual([
      '--allow-untagged-cloud',
      '--v',
    ]);
  });

  it('accepts every upstream flag at once (plan reads the same command line)', async () => {
    const out = await cli([
      'plan',
      '--fixture',
      'fixtures/converged',
      ...everyUpstreamFlag({
        'cloud-config': 'fixtures/converged/config.json',
        kubeconfig: '/nonexistent',
      }),
    ]);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
  });

  it('accepts the upstream manifest’s command as it is', async () => {
    const out = await cli([
      'plan',
      '--fixture',
      'fixtures/converged',
      ...upstreamCommand
        .slice(1)
        .map((a) => a.replace('/etc/cloud-sa/cloud-sa.json', 'fixtures/converged/config.json')),
    ]);
    expect(out.stderr).toBe('');
    expect(out.stdout).toContain('No changes.');
  });

  it('prints the version and quits with --version, as JSON with --version=raw', async () => {
    expect((await cli(['--version'])).stdout).toMatch(/^equinix-metal-ccm v\d+\.\d+\.\d+\n$/);
    expect(JSON.parse((await cli(['--version=raw'])).stdout)).toMatchObject({
      name: 'equinix-metal-ccm',
    });
  });

  it('has upstream’s defaults: leader election on a Lease kube-system/cloud-controller-manager, HTTPS on 10258', () => {
    const options = optionsOf([]);
    expect(options.leaderElection).toEqual({
      enabled: true,
      namespace: 'kube-system',
      name: 'cloud-controller-manager',
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2000,
    });
    expect(options.serving.secure).toEqual({
      bindAddress: '0.0.0.0',
      port: 10258,
      minVersion: 'TLSv1.2',
    });
    expect(options.serving.auth).toMatchObject({
      skipLookup: false,
      alwaysAllowPaths: ['/healthz', '/readyz', '/livez'],
      tokenCacheTtlMs: 10_000,
      allowCacheTtlMs: 10_000,
      denyCacheTtlMs: 10_000,
    });
    expect(options.logging).toEqual({ format: 'text', verbosity: 0 });
    expect(options.kubeApi).toEqual({ qps: 20, burst: 30 });
  });

  it('reads the client rate limit as client-go does: 0 its default, negative none', () => {
    expect(optionsOf(['--kube-api-qps=0', '--kube-api-burst=0']).kubeApi).toEqual({
      qps: 5,
      burst: 10,
    });
    expect(optionsOf(['--kube-api-qps', '-1']).kubeApi).toEqual({ qps: -1, burst: 30 });
    expect(optionsOf(['--kube-api-qps=2.5', '--kube-api-burst=4']).kubeApi).toEqual({
      qps: 2.5,
      burst: 4,
    });
  });

  it('names the flags given that have no effect here', () => {
    expect(
      optionsOf(['--concurrent-service-syncs=5', '--v=2', '--profiling', '--cluster-name=x'])
        .noEffect,
    ).toEqual(['concurrent-service-syncs', 'profiling', 'cluster-name']);
  });
});

describe('reading flags the way pflag does', () => {
  it('reads underscores as dashes, -v in every form, and the bare --version', () => {
    const { argv, given } = normaliseComponentArgs(
      ['--leader_elect=false', '-v', '3', '--kube-api-qps', '7', '--version'],
      componentFlags,
    );
    expect(argv).toEqual(['--leader-elect=false', '--v=3', '--kube-api-qps=7', '--version=true']);
    expect(given).toEqual(['leader-elect', 'v', 'kube-api-qps', 'version']);
    expect(normaliseComponentArgs(['-v4'], componentFlags).argv).toEqual(['--v=4']);
    expect(normaliseComponentArgs(['-v=5'], componentFlags).argv).toEqual(['--v=5']);
  });

  it('checks a boolean’s value as Go does, and lets a bare boolean take no value', () => {
    expect(normaliseComponentArgs(['--leader-elect', 'plan'], componentFlags).argv).toEqual([
      '--leader-elect=true',
      'plan',
    ]);
    expect(normaliseComponentArgs(['--leader-elect=F'], componentFlags).argv).toEqual([
      '--leader-elect=false',
    ]);
    expect(() => normaliseComponentArgs(['--leader-elect=yes'], componentFlags)).toThrow(
      '--leader-elect: expected true or false (or 1, 0, t, f), got "yes"',
    );
  });

  it('keeps the last value of a flag given twice, and appends to a list flag (as pflag)', async () => {
    expect(optionsOf(['--v=1', '--v=4']).logging.verbosity).toBe(4);
    expect(
      optionsOf([
        '--authorization-always-allow-paths=/a',
        '--authorization-always-allow-paths',
        '/b,/c',
      ]).serving.auth.alwaysAllowPaths,
    ).toEqual(['/a', '/b', '/c']);
    const twice = await cli([
      'plan',
      '--fixture',
      'fixtures/converged',
      '--cloud-config=/nonexistent',
      '--cloud-config=fixtures/converged/config.json',
    ]);
    expect(twice.stderr).toBe('');
  });

  it('says which flag lacks its value', () => {
    expect(() => normaliseComponentArgs(['--kubeconfig'], componentFlags)).toThrow(
      '--kubeconfig: needs a value',
    );
  });
});

describe('checking the component flags', () => {
  it('refuses leader-election timings client-go refuses, and a lock other than leases', () => {
    expect(
      errorsOf(['--leader-elect-lease-duration=10s', '--leader-elect-renew-deadline=10s']),
    ).toEqual(['--leader-elect-lease-duration must be longer than --leader-elect-renew-deadline']);
    expect(
      errorsOf(['--leader-elect-renew-deadline=10s', '--leader-elect-retry-period=9s']),
    ).toEqual([
      '--leader-elect-renew-deadline must be longer than 1.2 × --leader-elect-retry-period (its jitter)',
    ]);
    expect(errorsOf(['--leader-elect-retry-period=0s'])).toContain(
      '--leader-elect-retry-period: must be more than 0 and at most 24h',
    );
    expect(
      errorsOf(['--leader-elect-lease-duration=600h', '--leader-elect-renew-deadline=500h']),
    ).toEqual([
      '--leader-elect-lease-duration: must be more than 0 and at most 24h',
      '--leader-elect-renew-deadline: must be more than 0 and at most 24h',
    ]);
    expect(errorsOf(['--leader-elect-resource-lock=endpoints'])).toEqual([
      '--leader-elect-resource-lock: only "leases" is supported, got "endpoints"',
    ]);
  });

  it('refuses a Lease namespace or name the API server would refuse', () => {
    expect(
      errorsOf([
        '--leader-elect-resource-namespace=Kube_System',
        '--leader-elect-resource-name=a/b',
      ]),
    ).toEqual([
      '--leader-elect-resource-namespace: "Kube_System" is not a namespace name',
      '--leader-elect-resource-name: "a/b" is not a Lease name',
    ]);
  });

  it('names a bad serving flag', () => {
    expect(
      errorsOf(['--bind-address=localhost:1', '--secure-port=70000', '--tls-cert-file=c']),
    ).toEqual([
      '--bind-address: expected an IP address such as 0.0.0.0 or ::, got "localhost:1"',
      '--secure-port: expected a port from 0 to 65535, got 70000',
      '--tls-cert-file and --tls-private-key-file go together: give both or neither',
    ]);
    expect(errorsOf(['--tls-min-version=VersionTLS9'])[0]).toMatch(
      /^--tls-min-version: expected one of VersionTLS10/,
    );
  });

  it('names a value of the wrong type, even for a flag without effect (upstream refuses it too)', () => {
    expect(errorsOf(['--concurrent-service-syncs=many', '--node-monitor-period=5'])).toEqual([
      '--concurrent-service-syncs: expected a whole number, got "many"',
      '--node-monitor-period: expected a duration such as 15s, 1m30s or 500ms, got "5"',
    ]);
    expect(errorsOf(['--logging-format=yaml'])).toEqual([
      '--logging-format: expected "text" or "json", got "yaml"',
    ]);
  });
});
