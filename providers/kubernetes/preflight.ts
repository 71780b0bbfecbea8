import type { V1Lease } from '@kubernetes/client-node';
import { isNotFound } from './api-error.ts';
import type { KubeRest } from './rest.ts';
import { resourcePath, resources } from './resources.ts';

/** What a SelfSubjectAccessReview asks: may I do `verb` on this resource (here, to this name)? */
export interface ResourceAttributes {
  readonly verb: string;
  readonly group: string;
  /** `nodes`, or with a subresource `nodes/status`. */
  readonly resource: string;
  readonly namespace?: string;
  readonly name?: string;
}

/** May the identity of `rest` do it? (SelfSubjectAccessReview: no rights needed to ask.) */
export async function mayI(rest: KubeRest, attributes: ResourceAttributes): Promise<boolean> {
  const [resource, subresource] = attributes.resource.split('/');
  const review = await rest.request<{ status?: { allowed?: boolean; denied?: boolean } }>({
    method: 'POST',
    path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
    body: {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: {
        resourceAttributes: {
          verb: attributes.verb,
          group: attributes.group,
          resource,
          ...(subresource === undefined ? {} : { subresource }),
          ...(attributes.namespace === undefined ? {} : { namespace: attributes.namespace }),
          ...(attributes.name === undefined ? {} : { name: attributes.name }),
        },
      },
    },
  });
  return review.status?.allowed === true && review.status.denied !== true;
}

/** A Lease, or undefined when it does not exist. */
export async function readLease(
  rest: KubeRest,
  namespace: string,
  name: string,
): Promise<V1Lease | undefined> {
  try {
    return await rest.request<V1Lease>({
      method: 'GET',
      path: resourcePath(resources.Lease, { namespace, name }),
    });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * The versions the API server serves of each resource of an API group, by discovery (which every
 * authenticated identity may read, unlike the CRDs themselves); empty when the group is not served.
 */
export async function servedVersions(
  rest: KubeRest,
  group: string,
): Promise<Map<string, string[]>> {
  const served = new Map<string, string[]>();
  let versions: { version: string }[];
  try {
    ({ versions } = await rest.request<{ versions: { version: string }[] }>({
      method: 'GET',
      path: `/apis/${group}`,
    }));
  } catch (error) {
    if (isNotFound(error)) return served;
    throw error;
  }
  for (const { version } of versions) {
    const list = await rest.request<{ resources: { name: string }[] }>({
      method: 'GET',
      path: `/apis/${group}/${version}`,
    });
    for (const { name } of list.resources)
      if (!name.includes('/')) served.set(name, [...(served.get(name) ?? []), version]);
  }
  return served;
}
