#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';

// V8 favours a small heap over speed: it grows the heap less between collections and gives memory
// back sooner (measured idle: 113 → 102 MB of RSS at 20 nodes / 50 Services, 137 → 121 MB at
// 100 / 500, Service latency unchanged). NODE_OPTIONS does not take this V8 flag, so it is set
// here, before the CLI's modules load: the image, the chart and `node dist/engine/main.js` alike.
setFlagsFromString('--optimize-for-size');
const { runCli } = await import('./cli/cli.ts');

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signals: process,
});
// The daemon's handles are closed; anything left (a stuck socket) must not keep a stopped CCM alive.
process.exit();
