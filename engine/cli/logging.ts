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

/** The frames of a stack as `file` and `line`. */
function frames(stack: string): { file: string; line: string }[] {
  const found: { file: string; line: string }[] = [];
  for (const frame of stack.split('\n').slice(1)) {
    const at = /\(?((?:file:\/\/)?[^\s()]+):(\d+):\d+\)?$/.exec(frame.trim());
    if (at !== null) found.push({ file: at[1] ?? '', line: at[2] ?? '' });
  }
  return found;
}

/**
 * `file:line` of the code that logged. Above the mixin, pino's frames come first, then the code
 * that logged: skipped are Node's own frames, node_modules and the file of pino's first frame (in
 * the bundle the image runs, all of pino is in `vendor.js`; the CCM's code is in `cli.js`).
 */
function caller(): string {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 20;
  Error.captureStackTrace(holder, mixin);
  Error.stackTraceLimit = limit;
  const all = frames(holder.stack ?? '');
  const pinoFile = all[0]?.file;
  const logged = all.find(
    ({ file }) => !file.includes('node_modules') && !file.startsWith('node:') && file !== pinoFile,
  );
  return logged === undefined ? 'metal-ccm' : `${basename(logged.file)}:${logged.line}`;
}

/** Every line's `caller` (a named function: caller() starts the stack above it). */
function mixin(): { caller: string } {
  return { caller: caller() };
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
      mixin,
      redact: { paths: redactedPaths, censor: '(sensitive)' },
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => maskSecrets(object) as Record<string, unknown>,
      },
    },
    format === 'text' ? textDestination(destination) : destination,
  );
}
