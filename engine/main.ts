#!/usr/bin/env node
import { favourSmallHeap } from './v8-flags.ts';

// Before the CLI's modules load (the image, the chart and `node dist/main.js` alike).
favourSmallHeap();
const { runCli } = await import('./cli/cli.ts');

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signals: process,
});
// The daemon's handles are closed; anything left (a stuck socket) must not keep a stopped CCM alive.
process.exit();
