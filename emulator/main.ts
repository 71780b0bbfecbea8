// `npm run emulator -- --seed fixtures/example [--port 8080] [--token t] [--quota n]`: a Metal API
// emulator seeded from a fixture's metal.json, until interrupted.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { metalWorldSchema } from '../providers/fixture/metal.ts';
import { startEmulator } from './emulator.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: 'fixtures/example' },
    port: { type: 'string', default: '0' },
    token: { type: 'string', default: 'emulator-token' },
    quota: { type: 'string' },
  },
});
const world = metalWorldSchema.parse(
  JSON.parse(await readFile(join(values.seed, 'metal.json'), 'utf8')),
);
const emulator = await startEmulator({
  world,
  token: values.token,
  port: Number(values.port),
  ...(values.quota === undefined ? {} : { quota: Number(values.quota) }),
});
process.stdout.write(
  `Metal API emulator seeded from ${values.seed}\n  METAL_BASE_URL=${emulator.url}\n  METAL_API_KEY=${emulator.token}\n`,
);
const stop = (): void => {
  void emulator.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
