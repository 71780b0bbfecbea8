import type { MetalRequestAction } from '../../model/plan.ts';
import { revealDeep } from '../../model/sensitive.ts';
import type { MetalClient } from './client.ts';
import { isAlreadyHasSession, isNotFound } from './errors.ts';

/**
 * Operations that may be sent again after an ambiguous failure. Creating a reservation or the
 * project's BGP config is not: the next loop finds by its tags (or the config's id) what a lost
 * answer did create.
 */
const idempotentOperations = new Set(['createBgpSession', 'deleteIPAddress']);

/** Executes a planned Metal request exactly as the plan shows it (secrets revealed only here). */
export function metalExecutor(
  client: MetalClient,
): (action: MetalRequestAction) => Promise<object> {
  return async (action) => {
    const { operation, method, path, body } = action.request;
    try {
      await client.send({
        operation,
        method,
        path,
        ...(body === undefined ? {} : { body: revealDeep(body) }),
        idempotent: method === 'GET' || idempotentOperations.has(operation),
      });
    } catch (error) {
      // Both mean the world already is as the action wanted.
      if (operation === 'createBgpSession' && isAlreadyHasSession(error)) return {};
      if (method === 'DELETE' && isNotFound(error)) return {};
      throw error;
    }
    return {};
  };
}
