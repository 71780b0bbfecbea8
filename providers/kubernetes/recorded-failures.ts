import type { RecordedFailure } from '../../model/recorded-failures.ts';
import { z } from '../zod.ts';
import { reportingController } from './events.ts';
import { listAll } from './list.ts';
import { resourcePath, resources } from './resources.ts';
import type { KubeRest } from './rest.ts';

/** The parts of an Event (events.k8s.io/v1) a recorded failure is read from. */
const failureEvent = z.object({
  reportingController: z.literal(reportingController),
  reason: z.string().check(z.endsWith('Failed')),
  note: z.optional(z.string()),
  eventTime: z.string(),
  series: z.optional(z.object({ count: z.number(), lastObservedTime: z.string() })),
  regarding: z.object({
    apiVersion: z.optional(z.string()),
    kind: z.string(),
    namespace: z.optional(z.string()),
    name: z.string(),
  }),
});

/**
 * The failures the CCM recorded as Warning Events, cluster-wide (they last the API server's Event
 * TTL, an hour by default). Other controllers' Warnings, and Events not shaped as the CCM writes
 * them, are passed over.
 */
export async function recordedFailures(rest: KubeRest): Promise<RecordedFailure[]> {
  const { items } = await listAll(rest, resourcePath(resources.Event), {
    fieldSelector: 'type=Warning',
  });
  return items.flatMap((item) => {
    const parsed = failureEvent.safeParse(item);
    if (!parsed.success) return [];
    const { regarding, reason, note, eventTime, series } = parsed.data;
    return [
      {
        regarding: {
          apiVersion: regarding.apiVersion ?? 'v1',
          kind: regarding.kind,
          ...(regarding.namespace === undefined ? {} : { namespace: regarding.namespace }),
          name: regarding.name,
        },
        reason,
        note: note ?? '',
        count: series?.count ?? 1,
        lastAt: series?.lastObservedTime ?? eventTime,
      },
    ];
  });
}
