import type { ExecutionResult } from '../../model/executors.ts';
import type { MetalRequestAction } from '../../model/plan.ts';
import { revealDeep } from '../../model/sensitive.ts';
import type { MetalClient } from './client.ts';
import { isAlreadyHasSession, isNotFound } from './errors.ts';
import { writeAnswer } from './write-answers.ts';

/**
 * Operations that may be sent again after an ambiguous failure. Creating a reservation or the
 * project's BGP config is not: the next loop finds by its tags (or the config's id) what a lost
 * answer did create.
 */
const idempotentOperations = new Set(['createBgpSession', 'deleteIPAddress']);

/**
 * Executes a planned Metal request exactly as the plan shows it (secrets revealed only here), and
 * tells what it answered.
 */
export function metalExecutor(
  client: MetalClient,
): (action: MetalRequestAction) => Promise<ExecutionResult> {
  return async ({ request }) => {
    const { operation, method, path, body } = request;
    try {
      const answer = await client.send({
        operation,
        method,
        path,
        ...(body === undefined ? {} : { body: revealDeep(body) }),
        idempotent: method === 'GET' || idempotentOperations.has(operation),
      });
      return { metal: writeAnswer(request, answer.data) };
    } catch (error) {
      // Both mean the world already is as the action wanted; a session that was there already is
      // not described by the answer, so the next loop lists the sessions again.
      if (operation === 'createBgpSession' && isAlreadyHasSession(error))
        return { metal: { kind: 'unfolded', why: 'the device already had its session' } };
      if (method === 'DELETE' && isNotFound(error))
        return { metal: writeAnswer(request, undefined) };
      throw error;
    }
  };
}
