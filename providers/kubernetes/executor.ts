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
import { KubeApiError, isNotFound } from './api-error.ts';
import type { KubeRest, RestRequest } from './rest.ts';

/** The field manager of every write of the CCM. */
const fieldManager = 'metal-ccm';

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

/** The API path of the action's object (or of its collection, for a create). */
function pathOf(
  object: KubernetesCreateAction['object'],
  options: { collection?: boolean; subresource?: 'status' } = {},
): string {
  return resourcePath(resourceOf(object.apiVersion, object.kind), {
    ...(object.namespace === undefined ? {} : { namespace: object.namespace }),
    ...(options.collection === true ? {} : { name: object.name }),
    ...(options.subresource === undefined ? {} : { subresource: options.subresource }),
  });
}

/** A delete guarded by the observed UID and resourceVersion; gone already is what was wanted. */
async function deleteGuarded(rest: KubeRest, action: KubernetesDeleteAction): Promise<object> {
  try {
    await rest.request({
      method: 'DELETE',
      path: pathOf(action.object),
      body: { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: action.guard },
    });
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  return {};
}

/** Executes the plan's Kubernetes actions: JSON Patches (status to its subresource), creates, deletes, applies. */
export function kubernetesExecutors(rest: KubeRest): KubernetesExecutors {
  const write = async (request: RestRequest) =>
    versionOf(await rest.request<KubernetesObject>(request));
  return {
    'kubernetes.patch': (action) =>
      guarded(action.target, () =>
        write({
          method: 'PATCH',
          path: pathOf(action.object, {
            ...(action.subresource === undefined ? {} : { subresource: action.subresource }),
          }),
          body: revealDeep(guardedPatch(action)),
          contentType: 'application/json-patch+json',
          query: { fieldManager },
        }),
      ),
    'kubernetes.create': (action) =>
      guarded(action.target, () =>
        write({
          method: 'POST',
          path: pathOf(action.object, { collection: true }),
          body: revealDeep(action.manifest),
          query: { fieldManager },
        }),
      ),
    'kubernetes.apply': (action) =>
      write({
        method: 'PATCH',
        path: pathOf(action.object),
        body: revealDeep(action.manifest),
        contentType: 'application/apply-patch+yaml',
        query: { fieldManager, force: true },
      }),
    'kubernetes.delete': (action) => guarded(action.target, () => deleteGuarded(rest, action)),
  };
}

function versionOf(object: KubernetesObject | undefined): { resourceVersion?: string } {
  const version = object?.metadata?.resourceVersion;
  return version === undefined ? {} : { resourceVersion: version };
}
