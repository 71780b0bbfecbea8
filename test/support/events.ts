import { admin } from './integration.ts';

export interface RecordedEvent {
  readonly reason?: string;
  readonly type?: string;
  readonly note?: string;
  readonly regarding?: { readonly kind?: string; readonly name?: string };
}

/** The Events (events.k8s.io/v1) on one object of a namespace, oldest first. */
export async function eventsOn(
  namespace: string,
  kind: string,
  name: string,
): Promise<RecordedEvent[]> {
  const list = await admin().request<{ items: RecordedEvent[] }>({
    method: 'GET',
    path: `/apis/events.k8s.io/v1/namespaces/${namespace}/events`,
  });
  return list.items.filter((e) => e.regarding?.kind === kind && e.regarding.name === name);
}

/** The first Event with `reason` on the object, once there is one. */
export async function eventWith(
  namespace: string,
  kind: string,
  name: string,
  reason: string,
): Promise<RecordedEvent | undefined> {
  return (await eventsOn(namespace, kind, name)).find((e) => e.reason === reason);
}
