import type { LeaderElectionSettings } from '../../run/daemon.ts';
import type { ServingOptions, TlsVersion } from '../../run/serving/options.ts';
import { UsageError } from '../usage-error.ts';
import { componentFlags } from './flag-table.ts';
import { readKind } from './values.ts';

/** What the component flags set, typed and checked. */
export interface ComponentOptions {
  readonly kubeconfig?: string;
  readonly master?: string;
  readonly kubeApi: { readonly qps: number; readonly burst: number };
  readonly leaderElection: LeaderElectionSettings;
  readonly serving: Omit<ServingOptions, 'plain'>;
  readonly logging: { readonly format: 'text' | 'json'; readonly verbosity: number };
  /** The component flags given that do nothing here (logged once at start). */
  readonly noEffect: readonly string[];
}

type Args = Readonly<Record<string, unknown>>;

const tlsVersions: Readonly<Record<string, TlsVersion>> = {
  VersionTLS10: 'TLSv1',
  VersionTLS11: 'TLSv1.1',
  VersionTLS12: 'TLSv1.2',
  VersionTLS13: 'TLSv1.3',
};

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Reads flags by name: given or upstream's default, typed by the flag's kind; collects errors. */
class FlagReader {
  readonly errors: string[] = [];
  readonly #args: Args;
  constructor(args: Args) {
    this.#args = args;
  }

  raw(name: string): string | undefined {
    const value = this.#args[name];
    if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number')
      return String(value);
    return componentFlags[name]?.default;
  }

  text(name: string): string | undefined {
    const value = this.raw(name);
    return value === undefined || value === '' ? undefined : value;
  }

  bool(name: string): boolean {
    return this.raw(name) === 'true';
  }

  number(name: string): number {
    const raw = this.raw(name) ?? '0';
    const read = readKind(componentFlags[name]?.kind ?? 'string', raw);
    if (read.ok) return read.value as number;
    this.errors.push(`--${name}: expected ${read.expected}, got ${JSON.stringify(raw)}`);
    return 0;
  }

  list(name: string): string[] {
    return (this.raw(name) ?? '').split(',').filter((s) => s !== '');
  }

  check(ok: boolean, message: string): void {
    if (!ok) this.errors.push(message);
  }

  /** A given flag's value has its kind's form, as pflag insists (even for flags without effect). */
  checkKind(name: string): void {
    const raw = this.raw(name) ?? '';
    const read = readKind(componentFlags[name]?.kind ?? 'string', raw);
    if (!read.ok)
      this.errors.push(`--${name}: expected ${read.expected}, got ${JSON.stringify(raw)}`);
  }
}

/** Leader election as client-go validates it: renew < lease, retry × 1.2 < renew, all positive. */
function leaderElection(r: FlagReader): LeaderElectionSettings {
  const lock = r.raw('leader-elect-resource-lock');
  r.check(
    lock === 'leases',
    `--leader-elect-resource-lock: only "leases" is supported, got "${lock ?? ''}"`,
  );
  const [leaseDurationMs, renewDeadlineMs, retryPeriodMs] = [
    r.number('leader-elect-lease-duration'),
    r.number('leader-elect-renew-deadline'),
    r.number('leader-elect-retry-period'),
  ];
  const day = 86_400_000;
  for (const [name, ms] of [
    ['lease-duration', leaseDurationMs],
    ['renew-deadline', renewDeadlineMs],
    ['retry-period', retryPeriodMs],
  ] as const)
    r.check(ms >= 1 && ms <= day, `--leader-elect-${name}: must be more than 0 and at most 24h`);
  r.check(
    leaseDurationMs > renewDeadlineMs,
    '--leader-elect-lease-duration must be longer than --leader-elect-renew-deadline',
  );
  r.check(
    renewDeadlineMs > retryPeriodMs * 1.2,
    '--leader-elect-renew-deadline must be longer than 1.2 × --leader-elect-retry-period (its jitter)',
  );
  const namespace = r.raw('leader-elect-resource-namespace') ?? '';
  const name = r.raw('leader-elect-resource-name') ?? '';
  r.check(
    dns1123Label.test(namespace) && namespace.length <= 63,
    `--leader-elect-resource-namespace: "${namespace}" is not a namespace name`,
  );
  r.check(
    dns1123Subdomain.test(name) && name.length <= 253,
    `--leader-elect-resource-name: "${name}" is not a Lease name`,
  );
  return {
    enabled: r.bool('leader-elect'),
    namespace,
    name,
    leaseDurationMs,
    renewDeadlineMs,
    retryPeriodMs,
  };
}

function serving(r: FlagReader): ComponentOptions['serving'] {
  const port = r.number('secure-port');
  r.check(
    Number.isInteger(port) && port >= 0 && port <= 65535,
    `--secure-port: expected a port from 0 to 65535, got ${String(port)}`,
  );
  // Its form is checked with every given flag's (checkKind).
  const bindAddress = r.raw('bind-address') ?? '0.0.0.0';
  const certFile = r.text('tls-cert-file');
  const keyFile = r.text('tls-private-key-file');
  r.check(
    (certFile === undefined) === (keyFile === undefined),
    '--tls-cert-file and --tls-private-key-file go together: give both or neither',
  );
  const versionName = r.text('tls-min-version') ?? 'VersionTLS12';
  const minVersion = tlsVersions[versionName];
  r.check(
    minVersion !== undefined,
    `--tls-min-version: expected one of ${Object.keys(tlsVersions).join(', ')}, got "${versionName}"`,
  );
  const ttl = (name: string): number => {
    const ms = r.number(name);
    r.check(ms >= 0 && ms <= 86_400_000, `--${name}: must be from 0 to 24h`);
    return ms;
  };
  const optional = <T>(key: string, value: T | undefined) =>
    value === undefined ? {} : { [key]: value };
  return {
    secure: {
      bindAddress,
      port,
      minVersion: minVersion ?? 'TLSv1.2',
      ...optional('certDir', r.text('cert-dir')),
      ...optional('certFile', certFile),
      ...optional('keyFile', keyFile),
    },
    auth: {
      ...optional('authenticationKubeconfig', r.text('authentication-kubeconfig')),
      ...optional('authorizationKubeconfig', r.text('authorization-kubeconfig')),
      ...optional('clientCAFile', r.text('client-ca-file')),
      skipLookup: r.bool('authentication-skip-lookup'),
      tolerateLookupFailure: r.bool('authentication-tolerate-lookup-failure'),
      tokenCacheTtlMs: ttl('authentication-token-webhook-cache-ttl'),
      allowCacheTtlMs: ttl('authorization-webhook-cache-authorized-ttl'),
      denyCacheTtlMs: ttl('authorization-webhook-cache-unauthorized-ttl'),
      alwaysAllowPaths: r
        .list('authorization-always-allow-paths')
        .map((p) => (p.startsWith('/') ? p : `/${p}`)),
    },
  };
}

function logging(r: FlagReader): ComponentOptions['logging'] {
  const format = r.raw('logging-format') ?? 'text';
  r.check(
    format === 'text' || format === 'json',
    `--logging-format: expected "text" or "json", got "${format}"`,
  );
  const verbosity = r.number('v');
  r.check(
    Number.isInteger(verbosity) && verbosity >= 0,
    `--v: expected a whole number of at least 0, got ${String(verbosity)}`,
  );
  return { format: format === 'json' ? 'json' : 'text', verbosity };
}

/**
 * `--kube-api-qps` and `--kube-api-burst` as client-go reads them (rest.Config): 0 is its default
 * (5 a second, a burst of 10), a negative rate no client-side limit at all (the API server's
 * Priority and Fairness alone), so the same values mean the same with the upstream binary.
 */
function clientRateLimit(qps: number, burst: number): { qps: number; burst: number } {
  return { qps: qps === 0 ? 5 : qps, burst: burst === 0 ? 10 : Math.max(1, burst) };
}

/**
 * The component flags, typed and checked as upstream checks them; every problem is reported at
 * once, each naming its flag. `given` are the component flags on the command line.
 */
export function componentOptions(args: Args, given: readonly string[]): ComponentOptions {
  const r = new FlagReader(args);
  for (const name of given) r.checkKind(name);
  const kubeconfig = r.text('kubeconfig');
  const master = r.text('master');
  const options: ComponentOptions = {
    ...(kubeconfig === undefined ? {} : { kubeconfig }),
    ...(master === undefined ? {} : { master }),
    kubeApi: clientRateLimit(r.number('kube-api-qps'), r.number('kube-api-burst')),
    leaderElection: leaderElection(r),
    serving: serving(r),
    logging: logging(r),
    noEffect: given.filter((name) => componentFlags[name]?.effect === undefined),
  };
  if (r.errors.length > 0) throw new UsageError([...new Set(r.errors)]);
  return options;
}
