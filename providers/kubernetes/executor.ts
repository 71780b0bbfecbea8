import type { KubernetesObject } from '@kubernetes/client-node';
import {
  guardedPatch,
  type KubernetesApplyAction,
  type KubernetesCreateAction,
  type KubernetesDeleteAction,
  type KubernetesPatchAction,
} from '../../model/plan.ts';
import { revealDeep } from '../../model/sensitive.ts';
import { resourceOf, resourcePath } from './resources.ts';
import { KubeApiError, isNotFound, type KubeRest } from './rest.ts';

/** The object changed since it was observed: the loop plans again instead of forcing a write. */
export class StaleWriteError extends Error {
  override readonly name = 'StaleWriteError';
}

/**
 * Someone wrote first: 409 Conflict (delete preconditions, creates), or a JSON Patch that no longer
 * applies to the object — its resourceVersion `test` failed, or a path it names is gone — which
 * the API server answers with 422 and this generic message. (A field that fails validation is a
 * 422 too, but with a message naming the field: that is a real error, not a stale one.)
 */
function isStale(error: unknown): boolean {
  return (
    error instanceof KubeApiError &&
    (error.status === 409 ||
      (error.status === 422 &&
        error.message.includes('the server rejected our request due to an error in our request')))
  );
}

async function guarded<T>(target: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isStale(error))
      throw new StaleWriteError(`${target} changed since it was observed`, { cause: error });
    throw error;
  }
}

export interface KubernetesExecutors {
  readonly 'kubernetes.patch': (
    action: KubernetesPatchAction,
  ) => Promise<{ resourceVersion?: string }>;
  readonly 'kubernetes.create': (
    action: KubernetesCreateAction,
  ) => Promise<{ resourceVersion?: string }>;
  readonly 'kubernetes.delete': (action: KubernetesDeleteAction) => Promise<object>;
  readonly 'kubernetes.apply': (
    action: KubernetesApplyAction,
  ) => Promise<{ resourceVersion?: string }>;
}

/** Executes the plan's Kubernetes actions: JSON Patches (status to its subresource), creates, deletes, applies. */
export function kubernetesExecutors(rest: KubeRest): KubernetesExecutors {
  return {
    'kubernetes.patch': (action) =>
      guarded(action.target, async () => {
        const { object } = action;
        const path = resourcePath(resourceOf(object.apiVersion, object.kind), {
          ...(object.namespace === undefined ? {} : { namespace: object.namespace }),
          name: object.name,
          ...(action.subresource === undefined ? {} : { subresource: action.subresource }),
        });
        const result = await rest.request<KubernetesObject>({
          method: 'PATCH',
          path,
          body: revealDeep(guardedPatch(action)),
          contentType: 'application/json-patch+json',
          query: { fieldManager: 'metal-ccm' },
        });
        return versionOf(result);
      }),
    'kubernetes.create': (action) =>
      guarded(action.target, async () => {
        const { object } = action;
        const path = resourcePath(resourceOf(object.apiVersion, object.kind), {
          ...(object.namespace === undefined ? {} : { namespace: object.namespace }),
        });
        const result = await rest.request<KubernetesObject>({
          method: 'POST',
          path,
          body: revealDeep(action.manifest),
          query: { fieldManager: 'metal-ccm' },
        });
        return versionOf(result);
      }),
    'kubernetes.apply': async (action) => {
      const { object } = action;
      const path = resourcePath(resourceOf(object.apiVersion, object.kind), {
        ...(object.namespace === undefined ? {} : { namespace: object.namespace }),
        name: object.name,
      });
      const result = await rest.request<KubernetesObject>({
        method: 'PATCH',
        path,
        body: revealDeep(action.manifest),
        contentType: 'application/apply-patch+yaml',
        query: { fieldManager: 'metal-ccm', force: true },
      });
      return versionOf(result);
    },
    'kubernetes.delete': (action) =>
      guarded(action.target, async () => {
        const { object, guard } = action;
        const path = resourcePath(resourceOf(object.apiVersion, object.kind), {
          ...(object.namespace === undefined ? {} : { namespace: object.namespace }),
          name: object.name,
        });
        try {
          await rest.request({
            method: 'DELETE',
            path,
            body: { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: guard },
          });
        } catch (error) {
          if (isNotFound(error)) return {}; // gone already: what was wanted
          throw error;
        }
        return {};
      }),
  };
}

function versionOf(object: KubernetesObject | undefined): { resourceVersion?: string } {
  const version = object?.metadata?.resourceVersion;
  return version === undefined ? {} : { resourceVersion: version };
}
