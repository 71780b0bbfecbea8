import type { IncomingMessage, ServerResponse } from 'node:http';
import { notFound, unprocessable, type Answer } from './answers.ts';
import { notJsonAnswer, statusAnswer } from './fault-answers.ts';
import type { Fault, Hold } from './faults.ts';
import { send, type Delivery } from './http.ts';
import type { PagingFault } from './operations/paging.ts';
import { match, type Route } from './routes.ts';
import { count, type EmulatorState } from './state.ts';
import type { Json } from './world.ts';

export const prefix = '/metal/v1';

/**
 * Sends an answer after checking it against the spec: an operation's own answer against its
 * declared responses, an injected fault's against the `Error` schema, a non-JSON page not at all.
 */
type Finish = (answer: Answer, how?: { injected?: boolean; delivery?: Delivery }) => void;

function finisher(state: EmulatorState, route: Route, response: ServerResponse): Finish {
  return (answer, how = {}) => {
    const { conformance } = state;
    if (conformance !== undefined && typeof answer.body !== 'string') {
      const { method, template } = route;
      state.violations.push(
        ...(how.injected === true
          ? conformance.checkError(method, template, answer.status, answer.body)
          : conformance.checkResponse(method, template, answer.status, answer.body)),
      );
    }
    send(response, how.injected === true ? answer : state.rateWindow.spend(answer), how.delivery);
  };
}

/** Faults that answer instead of the operation (or not at all); true when one did. */
async function interrupted(
  fault: Fault | undefined,
  request: IncomingMessage,
  finish: Finish,
  hold: Hold,
): Promise<boolean> {
  switch (fault?.kind) {
    case 'drop':
      request.socket.destroy();
      return true;
    case 'latency':
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
      return false;
    case 'hold':
      await hold.wait();
      return false;
    case 'status':
      finish(statusAnswer(fault), { injected: true });
      return true;
    case 'not-json':
      finish(notJsonAnswer, { injected: true });
      return true;
    default:
      return false;
  }
}

/**
 * The body of a write: a JSON object, checked against the operation's request schema. Anything
 * else (not JSON, `null`, a list) is the 422 the API declares for a bad request.
 */
function requestBody(
  state: EmulatorState,
  route: Route,
  text: string,
): { body: Json } | { refused: Answer } {
  if (route.method !== 'POST') return { body: {} };
  let body: unknown;
  try {
    body = JSON.parse(text === '' ? '{}' : text);
  } catch {
    return { refused: unprocessable('body is not JSON') };
  }
  const { conformance } = state;
  state.violations.push(...(conformance?.checkRequest(route.method, route.template, body) ?? []));
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { refused: unprocessable('the body must be a JSON object') };
  return { body: body as Json };
}

const pagingOf = (fault: Fault | undefined): PagingFault | undefined =>
  fault?.kind === 'endless-pages' || fault?.kind === 'repeated-ids' ? fault.kind : undefined;

/** One request of the Metal API: authenticated, maybe faulted, carried out, checked, answered. */
export async function serveApi(
  state: EmulatorState,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  text: string,
): Promise<void> {
  const found = match(request.method ?? 'GET', url.pathname.slice(prefix.length));
  if (found === undefined) {
    count(state, 'unknown');
    send(response, notFound());
    return;
  }
  const { route, id } = found;
  count(state, route.operation);
  const finish = finisher(state, route, response);
  if (request.headers['x-auth-token'] !== state.token) {
    finish({ status: 401, body: { error: 'Invalid authentication token' } });
    return;
  }
  const fault = state.faults.take(route.operation);
  if (await interrupted(fault, request, finish, state.faults.hold)) return;
  const parsed = requestBody(state, route, text);
  if ('refused' in parsed) {
    finish(parsed.refused);
    return;
  }
  const context = { world: state.world, id, query: url.searchParams, body: parsed.body };
  const answer = route.handle({ ...context, paging: pagingOf(fault) });
  // The network follows the API before the answer leaves, as a caller would expect.
  if (route.method !== 'GET') await state.routing?.sync();
  if (fault?.kind === 'lose-response') {
    request.socket.destroy();
    return;
  }
  finish(
    answer,
    fault?.kind === 'trickle' ? { delivery: { trickleMs: fault.everyMs ?? 5000 } } : {},
  );
}
