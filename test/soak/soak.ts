import { writeFile } from 'node:fs/promises';
import { seededRandom } from '../../emulator/faults.ts';
import type { Emulator } from '../../emulator/emulator.ts';
import { controlPlaneToken } from '../support/control-plane-world.ts';
import { restFor } from '../support/kube-rest.ts';
import { SoakCcm } from './ccm.ts';
import { cleanUp } from './cleanup.ts';
import { evidence } from './evidence.ts';
import { Driver } from './driver.ts';
import { notExercised } from './invariants/exercised.ts';
import { metallbViolations } from './invariants/metallb.ts';
import { nodeViolations, projectBgpViolations, type DeviceFacts } from './invariants/nodes.ts';
import { elasticIpViolations } from './invariants/services.ts';
import { ControlPlaneMonitor } from './monitor.ts';
import { apiserverStartedAt, controlPlaneEvents, observe } from './observe.ts';
import { soakSettings, type SoakOptions, type SoakReport } from './run.ts';
import { SoakWorld } from './world.ts';

export type { SoakOptions, SoakReport, SoakRun } from './run.ts';

/** Longest the control-plane EIP may stay on a failing node with a healthy peer and the CCM up. */
const moveBoundMs = 12_000;
const faultKinds = ['status 429', 'status 5xx', 'latency', 'drop', 'lose-response'] as const;

/** A share of every Metal call fails, spread over the fault kinds (5xx: one status per run). */
function injectFaults(emulator: Emulator, share: number, status: 500 | 502 | 503): void {
  const each = 1 - (1 - share) ** (1 / faultKinds.length);
  for (const fault of [
    { kind: 'status', status: 429, retryAfterSeconds: 1 },
    { kind: 'status', status },
    { kind: 'latency', ms: 300 },
    { kind: 'drop' },
    { kind: 'lose-response' },
  ] as const)
    emulator.inject('*', { ...fault, probability: each });
}

/**
 * The CCM under churn and faults: the driver changes the world at random (seeded), the emulator
 * fails a share of Metal calls, the daemon is SIGKILLed (at least once) and kube-apiserver
 * restarts once, the control-plane EIP's holder fails on purpose once besides the random flips.
 * Then the faults stop and, within two resync periods, every invariant must hold against what
 * the driver set up; and the run must have gone through each fault kind, a kill and the restart.
 */
export async function soak(options: SoakOptions): Promise<SoakReport> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const random = seededRandom(options.seed);
  const counts: Record<string, number> = {};
  const count = (what: string): void => {
    counts[what] = (counts[what] ?? 0) + 1;
  };
  const admin = restFor(options.kube.adminKubeconfig);
  const world = await SoakWorld.create(options.kube, admin, options.seed);
  const ccm = new SoakCcm(options.kube, world.emulator.url, options);
  const driver = new Driver(world, random, count);
  const monitor = new ControlPlaneMonitor(world.cp, () => ccm.up, moveBoundMs);
  try {
    for (let i = 0; i < 3; i++) await driver.addWorker();
    await ccm.start();
    const statuses = [500, 502, 503] as const;
    injectFaults(world.emulator, options.faultShare, statuses[Math.floor(random() * 3)] ?? 503);
    const apiserverBefore = await apiserverStartedAt(options.kube);
    await drive(options, { driver, ccm, monitor, random, count, log, started });
    world.emulator.clearFaults();
    monitor.stop();
    for (const s of world.cp.standIns) s.healthy = true;
    log('faults stopped; waiting for the CCM to settle');

    const violations = [
      ...(await settled(world, driver, options, counts)),
      ...monitor.violations,
      ...ccm.crashes,
      ...secretsInLogs(ccm, counts),
      ...notExercised({
        faultsFired: faultsFired(world.emulator, counts),
        faultKinds,
        kills: ccm.kills,
        apiserverRestarted: (await apiserverStartedAt(options.kube)) !== apiserverBefore,
        controlPlaneMoves: monitor.moves,
      }),
    ];
    counts['daemon killed (SIGKILL)'] = ccm.kills;
    counts['control-plane EIP moves off a failing node'] = monitor.moves;
    counts['longest of those (ms)'] = monitor.longestMs;
    if (violations.length > 0 && process.env['SOAK_DUMP'] !== undefined)
      await writeFile(process.env['SOAK_DUMP'], ccm.outputs());
    const told =
      monitor.reportedSince.length === 0
        ? []
        : [
            ...evidence(ccm.lines(), monitor.reportedSince, moveBoundMs + 2000),
            ...(await controlPlaneEvents(world.admin).catch((e: unknown) => [String(e)])),
          ];
    return { seed: options.seed, counts, violations, evidence: told };
  } finally {
    monitor.stop();
    await ccm.stop();
    await world.close();
    await cleanUp(admin);
  }
}

/**
 * The driver's changes, with a SIGKILL at a quarter (and now and then at random), the control-plane
 * holder failing at a third, and kube-apiserver restarting half way.
 */
async function drive(
  options: SoakOptions,
  run: {
    driver: Driver;
    ccm: SoakCcm;
    monitor: ControlPlaneMonitor;
    random: () => number;
    count: (what: string) => void;
    log: (line: string) => void;
    started: number;
  },
): Promise<void> {
  const { driver, ccm, monitor, random, count, log } = run;
  let held: { since: number; moves: number; reported: number } | undefined;
  /**
   * The holder fails on purpose once it has one; the random flips wait until the monitor has seen
   * the EIP move off it, or has reported that it did not (a minute at most, kills included).
   */
  const failHolderOnce = (): void => {
    if (held === undefined && driver.failControlPlaneHolder())
      held = { since: Date.now(), moves: monitor.moves, reported: monitor.violations.length };
    if (
      held !== undefined &&
      driver.holdingControlPlane &&
      (monitor.moves > held.moves ||
        monitor.violations.length > held.reported ||
        Date.now() - held.since > 60_000)
    )
      driver.holdingControlPlane = false;
  };
  for (let n = 0; n < options.changes; n++) {
    if (Date.now() - run.started > options.timeLimitMs * 0.7) {
      log(`time limit: stopped the driver after ${String(n)} changes`);
      break;
    }
    await driver.step();
    if (n >= Math.floor(options.changes / 3)) failHolderOnce();
    if (n === Math.floor(options.changes / 2)) {
      log('restarting kube-apiserver');
      await options.restartApiserver();
      count('kube-apiserver restarted');
    }
    if (n === Math.floor(options.changes / 4) || random() < 0.01) {
      await ccm.kill();
      await ccm.start();
    }
    await new Promise((resolve) => setTimeout(resolve, 20 + random() * 40));
  }
  // The failed holder's episode runs its course (a kill may have come just after it).
  while (held === undefined || driver.holdingControlPlane) {
    if (held === undefined && Date.now() - run.started > options.timeLimitMs * 0.8) break;
    failHolderOnce();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The invariants once they hold, or what still fails after two resync periods (and some). */
async function settled(
  world: SoakWorld,
  driver: Driver,
  options: SoakOptions,
  counts: Record<string, number>,
): Promise<string[]> {
  const deadline = Date.now() + 2 * soakSettings.syncSeconds * 1000 + 15_000;
  let violations = await check(world, driver, options, counts);
  while (violations.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    violations = await check(world, driver, options, counts);
  }
  return violations;
}

/** The faults the emulator injected, by kind (the 5xx statuses as one), also into the counts. */
function faultsFired(emulator: Emulator, counts: Record<string, number>): Record<string, number> {
  const fired = emulator.faultsFired();
  for (const [kind, n] of Object.entries(fired)) counts[`fault: ${kind}`] = n;
  const statuses = ['status 500', 'status 502', 'status 503'];
  return { ...fired, 'status 5xx': statuses.reduce((n, s) => n + (fired[s] ?? 0), 0) };
}

/** Every invariant of the end state, against what the world and the driver say. */
async function check(
  world: SoakWorld,
  driver: Driver,
  options: SoakOptions,
  counts: Record<string, number>,
): Promise<string[]> {
  let observed;
  try {
    observed = await observe(world.admin);
  } catch (error) {
    return [`the end state could not be read yet: ${String(error)}`]; // e.g. just after a restart
  }
  const facts = new Map<string, DeviceFacts>(
    [...world.devices].map(([id, device]) => [id, { device, peers: world.peers.get(id) ?? [] }]),
  );
  const expectedNodes = new Map([
    ...world.cp.standIns.map((s) => [s.name, s.deviceId] as const),
    ...driver.nodes,
  ]);
  const withDevices = [...expectedNodes].filter(([, id]) => facts.has(id));
  counts['Services at the end'] = observed.services.length;
  counts['Nodes at the end'] = observed.nodes.length;
  return [
    ...elasticIpViolations(
      observed,
      [...world.emulator.world.reservations.values()],
      world.clusterId,
      driver,
      options,
    ),
    ...world.touched(),
    ...nodeViolations(observed.nodes, expectedNodes, facts),
    ...projectBgpViolations(
      world.emulator.world.bgpConfig,
      world.emulator.world.sessions,
      withDevices.map(([, id]) => id),
    ),
    ...metallbViolations(
      observed,
      options,
      withDevices.map(([name, id]) => [name, world.peers.get(id) ?? []] as const),
    ),
  ];
}

/** No log line of any run of the daemon holds the token or the BGP password (plain or base64). */
function secretsInLogs(ccm: SoakCcm, counts: Record<string, number>): string[] {
  const secrets = [
    controlPlaneToken,
    soakSettings.password,
    Buffer.from(soakSettings.password).toString('base64'),
  ];
  const lines = ccm.lines();
  counts['log lines checked'] = lines.length;
  return lines
    .filter((line) => secrets.some((s) => line.includes(s)))
    .map((line) => `a log line holds a secret: ${line.slice(0, 80)}…`);
}
