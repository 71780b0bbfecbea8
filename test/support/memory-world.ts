import { randomUUID } from 'node:crypto';
import jsonpatch from 'fast-json-patch';
import type { ExecutionResult, Executors } from '../../model/executors.ts';
import type { ReservationId } from '../../model/ids.ts';
import { refKey, refOf, type KubernetesObject } from '../../model/kubernetes.ts';
import { guardedPatch, type MetalRequest } from '../../model/plan.ts';
import { revealDeep } from '../../model/sensitive.ts';

/** The error a real API server gives when a guard does not hold. */
export class ConflictError extends Error {}

/**
 * An in-memory stand-in for the Kubernetes and Metal APIs behind the applier's executors: it applies
 * patches for real (guards included), records Metal requests, and fails the actions it is told to.
 */
export class MemoryWorld {
  readonly objects = new Map<string, KubernetesObject>();
  readonly metalRequests: MetalRequest[] = [];
  /** Every executed action id, in the order it started. */
  readonly started: string[] = [];
  readonly failing = new Set<string>();
  private version = 1000;
  inFlight = 0;
  maxInFlight = 0;
  /** Milliseconds each action takes, so concurrency can be observed. */
  delayMs = 0;
  /** Reservations requested from now on stay pending (over the project's quota). */
  pending = false;
  #addresses = 0;

  constructor(objects: readonly KubernetesObject[] = []) {
    for (const o of objects) this.objects.set(refKey(refOf(o)), structuredClone(o));
  }

  get(kind: string, name: string, namespace?: string): KubernetesObject | undefined {
    return [...this.objects.values()].find(
      (o) => o.kind === kind && o.metadata?.name === name && o.metadata.namespace === namespace,
    );
  }

  private async step<T>(id: string, body: () => T): Promise<T> {
    this.started.push(id);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      if (this.failing.has(id)) throw new Error(`injected failure of ${id}`);
      return body();
    } finally {
      this.inFlight--;
    }
  }

  private bump(object: KubernetesObject): string {
    this.version++;
    object.metadata ??= {};
    object.metadata.resourceVersion = String(this.version);
    return String(this.version);
  }

  readonly executors: Executors = {
    'kubernetes.patch': (action) =>
      this.step(action.id, () => {
        const key = refKey(action.object);
        const current = this.objects.get(key);
        if (current === undefined) throw new Error(`${key} not found`);
        const next = structuredClone(current);
        try {
          jsonpatch.applyPatch(
            next,
            revealDeep(guardedPatch(action)) as jsonpatch.Operation[],
            true,
          );
        } catch (error) {
          if (error instanceof jsonpatch.JsonPatchError && error.name === 'TEST_OPERATION_FAILED') {
            throw new ConflictError(`${key} changed since it was observed`);
          }
          throw error;
        }
        const resourceVersion = this.bump(next);
        this.objects.set(key, next);
        return { resourceVersion };
      }),
    'kubernetes.create': (action) =>
      this.step(action.id, () => {
        const key = refKey(action.object);
        if (this.objects.has(key)) throw new ConflictError(`${key} already exists`);
        const object = revealDeep(action.manifest) as KubernetesObject;
        object.metadata ??= {};
        object.metadata.uid = randomUUID();
        const resourceVersion = this.bump(object);
        this.objects.set(key, object);
        return { resourceVersion };
      }),
    'kubernetes.delete': (action) =>
      this.step(action.id, () => {
        const key = refKey(action.object);
        const current = this.objects.get(key);
        if (current === undefined) return {};
        const { uid, resourceVersion } = action.guard;
        if (current.metadata?.uid !== uid || current.metadata.resourceVersion !== resourceVersion) {
          throw new ConflictError(`${key} changed since it was observed`);
        }
        this.objects.delete(key);
        return {};
      }),
    'kubernetes.apply': (action) =>
      this.step(action.id, () => {
        // Every field the CCM applies is its own and atomic: a deep merge of the manifest.
        const key = refKey(action.object);
        const merge = (into: unknown, from: unknown): unknown =>
          into !== null &&
          typeof into === 'object' &&
          !Array.isArray(into) &&
          from !== null &&
          typeof from === 'object' &&
          !Array.isArray(from)
            ? Object.fromEntries([
                ...Object.entries(into),
                ...Object.entries(from).map(([k, v]) => [
                  k,
                  merge((into as Record<string, unknown>)[k], v),
                ]),
              ])
            : structuredClone(from);
        const object = merge(
          this.objects.get(key) ?? { metadata: { uid: randomUUID() } },
          revealDeep(action.manifest),
        ) as KubernetesObject;
        const resourceVersion = this.bump(object);
        this.objects.set(key, object);
        return { resourceVersion };
      }),
    'metal.request': (action) =>
      this.step(action.id, () => {
        const request = revealDeep(action.request) as MetalRequest;
        this.metalRequests.push(request);
        return request.operation === 'requestIPReservation' ? this.#reserve(request) : {};
      }),
  };

  /** A new /32 as Metal answers it: its address from 100.64.0.0 on, or pending. */
  #reserve(request: MetalRequest): ExecutionResult {
    const n = this.#addresses++;
    const body = request.body as { tags?: string[] } | undefined;
    const address = `100.64.${String(n >> 8)}.${String(n & 255)}`;
    return {
      metal: {
        kind: 'reservation-created',
        reservation: {
          id: randomUUID() as ReservationId,
          type: 'public_ipv4',
          state: this.pending ? 'pending' : 'created',
          ...(this.pending ? {} : { address, cidr: 32 }),
          tags: body?.tags ?? [],
          assignments: [],
        },
      },
    };
  }
}
