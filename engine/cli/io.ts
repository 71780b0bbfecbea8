import type { Writable } from 'node:stream';

/** What the command line reads and writes: the process's, or a test's. */
export interface CliIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where the daemon hears SIGTERM and SIGINT (the process, for the real thing). */
  readonly signals?: NodeJS.EventEmitter;
}
