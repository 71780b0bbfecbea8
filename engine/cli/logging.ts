import { basename } from 'node:path';
import { pino, type DestinationStream, type Level, type Logger } from 'pino';
import { klogLine } from './klog.ts';

export type { Logger };

export type LogFormat = 'text' | 'json';

/**
 * Paths pino masks in every log line, whatever the caller passes: secrets are kept out of logs by
 * configuration. (Values wrapped in Sensitive print masked anyway; this also catches plain ones.)
 */
export const redactedPaths = [
  'apiKey',
  '*.apiKey',
  'token',
  '*.token',
  'bgpPass',
  '*.bgpPass',
  'password',
  '*.password',
  'md5',
  '*.md5',
  'md5_password',
  '*.md5_password',
  'headers["x-auth-token"]',
  '*.headers["x-auth-token"]',
  'headers["X-Auth-Token"]',
  '*.headers["X-Auth-Token"]',
  'headers.authorization',
  '*.headers.authorization',
  'data',
  '*.data',
  'stringData',
  '*.stringData',
];

/** Keys whose values are secrets wherever they appear, however deep (e.g. a Node's bgp-pass annotation). */
/** ConfigMap and Secret `data` too: the MetalLB ConfigMap holds the BGP password. */
const secretKey =
  /(bgp-pass|password|md5|apikey|api-key|x-auth-token|token|authorization)$|^(data|stringData)$/i;

/** A copy of a log object with every value under a secret-looking key masked, at any depth. */
export function maskSecrets(value: unknown, depth = 0): unknown {
  if (depth > 32 || value === null || typeof value !== 'object') return value;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  // Errors go to pino's own serializer; ours carry no secrets (the Metal client's name the call and a network code, never the request).
  if (value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      secretKey.test(k) && (typeof v === 'string' || /^(data|stringData)$/.test(k))
        ? '(sensitive)'
        : maskSecrets(v, depth + 1),
    ]),
  );
}

/** `--v=N` as upstream: 0–1 info, 2–4 debug (calls and results), 5 and up trace (everything). */
export function levelForVerbosity(v: number): Level {
  if (v >= 5) return 'trace';
  if (v >= 2) return 'debug';
  return 'info';
}

const here = import.meta.url;

/** `file.ts:line` of the code that logged: the first frame outside pino and this file. */
function caller(): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 20;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  for (const frame of stack.split('\n').slice(1)) {
    const at = /\(?((?:file:\/\/)?[^\s()]+):(\d+):\d+\)?$/.exec(frame.trim());
    if (at === null) continue;
    const [, file = '', line = ''] = at;
    if (
      file.includes('node_modules') ||
      file.startsWith('node:') ||
      here.endsWith(file) ||
      file === here
    )
      continue;
    return `${basename(file)}:${line}`;
  }
  return 'metal-ccm';
}

/** Writes pino's lines as klog text. */
function textDestination(out: DestinationStream): DestinationStream {
  return {
    write(line: string): void {
      out.write(klogLine(line));
    },
  };
}

/**
 * The process's logger: klog-like text (`--logging-format=text`, the command's default) or one
 * JSON object per line (`json`: `ts` in seconds, `level`, `caller`, `msg`, then the fields).
 * Secrets are masked before either is written.
 */
export function createLogger(
  verbosity: number,
  destination: DestinationStream,
  format: LogFormat = 'json',
): Logger {
  return pino(
    {
      level: levelForVerbosity(verbosity),
      base: undefined,
      timestamp: () => `,"ts":${String(Date.now() / 1000)}`,
      mixin: () => ({ caller: caller() }),
      redact: { paths: redactedPaths, censor: '(sensitive)' },
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => maskSecrets(object) as Record<string, unknown>,
      },
    },
    format === 'text' ? textDestination(destination) : destination,
  );
}
