import type { ObjectRef } from '../../model/kubernetes.ts';
import { resourcePath, resources } from './resources.ts';
import type { KubeRest } from './rest.ts';

/**
 * Six hexadecimal digits that keep two Events of one object in one millisecond apart (another
 * replica's too). Not secret, so not crypto's: its randomBytes took 0.4 s of the daemon's CPU for
 * the 5,000 Events of 5,000 new Services.
 */
const randomSuffix = (): string =>
  Math.floor(Math.random() * 0x1000000)
    .toString(16)
    .padStart(6, '0');

/** Who records the CCM's Events (`reportingController`): how its own are told from others'. */
export const reportingController = 'metal-ccm';

export interface EventInput {
  readonly regarding: ObjectRef & { readonly uid?: string };
  readonly type: 'Normal' | 'Warning';
  /** Stable, CamelCase: what a person filters on (`NodeInitialized`, `ActionFailed`). */
  readonly reason: string;
  /** The action's verb, e.g. `Update`. */
  readonly action: string;
  readonly note: string;
  /** When it happened (ms since the epoch); the time it is recorded when not given. */
  readonly at?: number;
}

/**
 * What makes two Events the same: the object, the type and the reason, and the note unless
 * `withNote` is false (an Event series repeats all four).
 */
export function eventKey(event: EventInput, withNote = true): string {
  const { regarding } = event;
  return [
    regarding.kind,
    regarding.namespace ?? '',
    regarding.name,
    event.type,
    event.reason,
    ...(withNote ? [event.note] : []),
  ].join('\n');
}

interface Recorded {
  readonly name: string;
  readonly namespace: string;
  count: number;
  at: number;
  /** When the series count was last written. */
  patchedAt: number;
}

const microTime = (ms: number): string =>
  new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

/**
 * Events (events.k8s.io/v1) on the objects the CCM acts on. The same event again within the
 * window is not a new object: its series count goes up, so a stuck action does not flood; and the
 * count is written at most every `seriesEveryMs`, as client-go does, so a warning repeated every
 * loop costs no API call per loop.
 */
export class EventRecorder {
  readonly #rest: KubeRest;
  readonly #instance: string;
  readonly #windowMs: number;
  readonly #seriesEveryMs: number;
  readonly #recent = new Map<string, Recorded>();

  constructor(
    rest: KubeRest,
    options: { instance: string; windowMs?: number; seriesEveryMs?: number },
  ) {
    this.#rest = rest;
    this.#instance = options.instance;
    this.#windowMs = options.windowMs ?? 10 * 60_000;
    this.#seriesEveryMs = options.seriesEveryMs ?? 30_000;
  }

  async record(event: EventInput): Promise<void> {
    const now = event.at ?? Date.now();
    const key = eventKey(event);
    const previous = this.#recent.get(key);
    if (previous !== undefined && now - previous.at < this.#windowMs) {
      this.#recent.delete(key);
      this.#recent.set(key, previous);
      await this.#repeat(previous, now);
      return;
    }
    const recorded = await this.#create(event, now);
    this.#recent.delete(key);
    this.#recent.set(key, recorded);
    this.#forget(now);
  }

  /**
   * Forgets the Events whose window has passed. The map is kept in the order of their last time
   * (a repeat moves its Event to the end), so only the expired front is looked at: a scan of
   * every Event on every Event made 25,000 of them cost half a minute of CPU.
   */
  #forget(now: number): void {
    for (const [k, r] of this.#recent) {
      if (now - r.at < this.#windowMs) return;
      this.#recent.delete(k);
    }
  }

  /** The same Event again: its series count goes up, written at most every `seriesEveryMs`. */
  async #repeat(previous: Recorded, now: number): Promise<void> {
    previous.count++;
    previous.at = now;
    if (now - previous.patchedAt < this.#seriesEveryMs) return;
    previous.patchedAt = now;
    await this.#rest.request({
      method: 'PATCH',
      path: resourcePath(resources.Event, { namespace: previous.namespace, name: previous.name }),
      body: { series: { count: previous.count, lastObservedTime: microTime(now) } },
      contentType: 'application/merge-patch+json',
    });
  }

  async #create(event: EventInput, now: number): Promise<Recorded> {
    const { regarding } = event;
    // Events of cluster-scoped objects (Nodes) live in `default`, as kubelet's and the scheduler's do.
    const namespace = regarding.namespace ?? 'default';
    const created = await this.#rest.request<{ metadata: { name: string } }>({
      method: 'POST',
      path: resourcePath(resources.Event, { namespace }),
      body: {
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        // As client-go names events: the object's name and a unique hexadecimal suffix.
        metadata: {
          name: `${regarding.name}.${now.toString(16)}${randomSuffix()}`,
          namespace,
        },
        eventTime: microTime(now),
        reportingController,
        reportingInstance: this.#instance,
        action: event.action,
        reason: event.reason,
        type: event.type,
        note: event.note.slice(0, 1000),
        regarding: {
          apiVersion: regarding.apiVersion,
          kind: regarding.kind,
          name: regarding.name,
          ...(regarding.namespace === undefined ? {} : { namespace: regarding.namespace }),
          ...(regarding.uid === undefined ? {} : { uid: regarding.uid }),
        },
      },
    });
    return { name: created.metadata.name, namespace, count: 1, at: now, patchedAt: now };
  }
}
