import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { componentFlags } from '../../engine/cli/component/flag-table.ts';

const here = import.meta.dirname;

/** The 75 flags of the upstream binary's `--help`, as `--name` (test/upstream/flags.txt). */
export const upstreamFlags: readonly string[] = readFileSync(join(here, 'flags.txt'), 'utf8')
  .split('\n')
  .filter((l) => l.startsWith('--'));

/** The upstream manifest's container command (test/upstream/manifest.json). */
export const upstreamCommand: readonly string[] = (
  JSON.parse(readFileSync(join(here, 'manifest.json'), 'utf8')) as { command: string[] }
).command;

const sample: Readonly<Record<string, string>> = {
  bool: 'true',
  duration: '10s',
  int: '1',
  float: '5',
  ip: '0.0.0.0',
  strings: 'a,b',
  string: 'x',
};

/** Values that mean something here, chosen so the command line stays valid. */
const meaningful: Readonly<Record<string, string>> = {
  'cloud-provider': 'equinixmetal',
  'leader-elect': 'false',
  'leader-elect-resource-lock': 'leases',
  'leader-elect-resource-name': 'cloud-controller-manager',
  'leader-elect-resource-namespace': 'kube-system',
  'leader-elect-lease-duration': '15s',
  'leader-elect-renew-deadline': '10s',
  'leader-elect-retry-period': '2s',
  'logging-format': 'json',
  'tls-min-version': 'VersionTLS12',
  'authorization-always-allow-paths': '/healthz,/readyz,/livez',
  'secure-port': '0',
  'bind-address': '127.0.0.1',
  'kube-api-qps': '20',
  'kube-api-burst': '30',
  'authentication-skip-lookup': 'true',
};

/**
 * Every upstream flag with a value of its type (`--name=value`), except `--version` (which prints
 * and quits) and those that name files (given by the caller): a command line upstream accepts.
 */
export function everyUpstreamFlag(files: Readonly<Record<string, string>>): string[] {
  return upstreamFlags
    .map((f) => f.slice(2))
    .filter((name) => name !== 'version')
    .filter((name) => !['tls-cert-file', 'tls-private-key-file', 'client-ca-file'].includes(name))
    .map((name) => {
      const kind = componentFlags[name]?.kind ?? 'string';
      return `--${name}=${files[name] ?? meaningful[name] ?? sample[kind] ?? 'x'}`;
    });
}
