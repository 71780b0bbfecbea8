import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { KubeHarness } from '../kube/harness.ts';
import { addLocalAddresses } from '../kube/local-addresses.ts';
import { soak } from './soak.ts';

/**
 * `npm run soak [-- --changes N --seed S --faults 0.2 --minutes 10 --load-balancer metallb-crds
 * --eip-limit 0]`: the CCM under churn, faults, kills and an API server restart, then the
 * invariants. Exits 1 on any violation; the seed printed replays the same run. The seed is new
 * each time unless given (CI replays the fixed runs of seeds.ts instead).
 */
const { values } = parseArgs({
  options: {
    changes: { type: 'string', default: '1000' },
    seed: { type: 'string', default: String(Date.now() % 100_000) },
    faults: { type: 'string', default: '0.2' },
    minutes: { type: 'string', default: '10' },
    'load-balancer': { type: 'string', default: 'metallb-crds' },
    'eip-limit': { type: 'string', default: '0' },
  },
});
const loadBalancer = values['load-balancer'];
if (loadBalancer !== 'metallb-crds' && loadBalancer !== 'kube-vip')
  throw new Error(`--load-balancer: expected metallb-crds or kube-vip, got ${loadBalancer}`);
const removeAddresses = await addLocalAddresses();
const harness = new KubeHarness(join(tmpdir(), `metal-ccm-soak-${String(process.pid)}`));
let failed = true;
try {
  const kube = await harness.start();
  const seed = Number(values.seed);
  process.stdout.write(
    `soak: seed ${String(seed)}, ${values.changes} changes, ${values.faults} of Metal calls failing, ${loadBalancer}, --eip-limit=${values['eip-limit']}\n`,
  );
  const started = Date.now();
  const report = await soak({
    kube,
    restartApiserver: () => harness.restartApiserver(),
    changes: Number(values.changes),
    seed,
    loadBalancer,
    eipLimit: Number(values['eip-limit']),
    faultShare: Number(values.faults),
    timeLimitMs: Number(values.minutes) * 60_000,
    log: (line) => process.stdout.write(`soak: ${line}\n`),
  });
  for (const [what, n] of Object.entries(report.counts).sort())
    process.stdout.write(`  ${what.padEnd(44)} ${String(n)}\n`);
  process.stdout.write(`soak: ${String(Math.round((Date.now() - started) / 1000))} s\n`);
  if (report.violations.length === 0) {
    process.stdout.write('soak: every invariant holds\n');
    failed = false;
  } else {
    process.stdout.write(
      `soak: ${String(report.violations.length)} violations (replay with --seed ${String(seed)} --load-balancer ${loadBalancer} --eip-limit ${values['eip-limit']} --changes ${values.changes}):\n`,
    );
    for (const v of report.violations) process.stdout.write(`  ! ${v}\n`);
    if (report.evidence.length > 0)
      process.stdout.write(`soak: the daemon meanwhile:\n${report.evidence.join('\n')}\n`);
  }
} finally {
  await harness.stop();
  await removeAddresses();
}
process.exit(failed ? 1 : 0);
