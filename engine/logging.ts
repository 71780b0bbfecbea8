import { pino, type DestinationStream, type Level, type Logger } from 'pino';

export type { Logger };

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
  'data',
  '*.data',
  'stringData',
  '*.stringData',
];

/** `--v=N` as upstream: 0–1 info, 2–4 debug (calls and results), 5 and up trace (everything). */
export function levelForVerbosity(v: number): Level {
  if (v >= 5) return 'trace';
  if (v >= 2) return 'debug';
  return 'info';
}

export function createLogger(verbosity: number, destination: DestinationStream): Logger {
  return pino(
    {
      name: 'metal-ccm',
      level: levelForVerbosity(verbosity),
      redact: { paths: redactedPaths, censor: '(sensitive)' },
    },
    destination,
  );
}
