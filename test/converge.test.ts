import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apply } from '../engine/apply/applier.ts';
import { diff } from '../engine/plan/differ.ts';
import { observe } from '../engine/observe/observe.ts';
import { planAll } from '../planners/index.ts';
import type { V1EndpointSlice, V1Node, V1Service } from '../model/kubernetes.ts';
import { selectMetalLB } from '../providers/fixture/kubernetes.ts';
import { metalWorldSchema } from '../providers/fixture/metal.ts';
import { MetalClient } from '../providers/metal/client.ts';
import { metalExecutor } from '../providers/metal/executor.ts';
import { MetalObserver } from '../providers/metal/observe.ts';
import { MetalTransport } from '../providers/metal/transport.ts';
import { startEmulator } from '../emulator/emulator.ts';
import { fixtureNames, fixtureRun, fixturesDir } from './support/fixture-plan.ts';
import { MemoryWorld } from './support/memory-world.ts';

// Apply each fixture's plan — Kubernetes in memory, Metal in the emulator seeded from the fixture —
// then observe and plan again, until nothing is left: the plans are complete, their actions do what
// the planners meant, and a converged world plans nothing.
describe('plan, apply, plan again', () => {
  for (const name of fixtureNames()) {
    it(`${name} converges within three rounds`, async () => {
      const { snapshot } = await fixtureRun(name);
      const world = metalWorldSchema.parse(
        JSON.parse(await readFile(join(fixturesDir, name, 'metal.json'), 'utf8')),
      );
      const emulator = await startEmulator({ world, token: snapshot.settings.apiKey.reveal() });
      try {
        const client = new MetalClient(
          new MetalTransport({ baseURL: emulator.url, token: snapshot.settings.apiKey }),
        );
        const observer = new MetalObserver(client, snapshot.settings.projectID);
        const metallb = snapshot.kubernetes.metallb;
        const metallbObjects = [
          ...(metallb?.configMap === undefined ? [] : [metallb.configMap]),
          ...(metallb?.passwordSecrets ?? []),
          ...(metallb?.bgpPeers ?? []),
          ...(metallb?.ipAddressPools ?? []),
          ...(metallb?.bgpAdvertisements ?? []),
        ];
        const cluster = new MemoryWorld([
          ...snapshot.kubernetes.nodes,
          ...snapshot.kubernetes.services,
          ...snapshot.kubernetes.mirrorEndpointSlices,
          ...metallbObjects,
        ]);
        const executors = { ...cluster.executors, 'metal.request': metalExecutor(client) };
        let rounds = 0;
        for (; rounds < 4; rounds++) {
          const objects = [...cluster.objects.values()];
          const next = await observe({
            ...snapshot,
            kubernetes: {
              state: {
                ...snapshot.kubernetes,
                nodes: objects.filter((o): o is V1Node => o.kind === 'Node'),
                services: objects.filter((o): o is V1Service => o.kind === 'Service'),
                mirrorEndpointSlices: objects.filter(
                  (o): o is V1EndpointSlice => o.kind === 'EndpointSlice',
                ),
                metallb: selectMetalLB(
                  objects,
                  snapshot.settings.loadBalancer,
                  metallb?.crdsMissing !== true,
                ),
              },
            },
            metal: (needs) => observer.observe(needs),
            location: snapshot.metal.location,
          });
          const plan = diff(next, planAll(next));
          if (plan.actions.length === 0) break;
          const report = await apply(plan, executors, { concurrency: 4 });
          expect(report.outcomes.filter((o) => o.status !== 'applied')).toEqual([]);
        }
        expect(rounds).toBeLessThanOrEqual(3);
        expect(emulator.violations).toEqual([]);
      } finally {
        await emulator.close();
      }
    });
  }
});
