import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { answerJson, type StubAnswer, useKubeApiStub } from '../../test/support/kube-api-stub.ts';
import { KubeApiError } from './api-error.ts';
import { KubeRest } from './rest.ts';
import { maxAttempts, retryAfterMs } from './retry-after.ts';

const stub = useKubeApiStub();

/** The stub, and a client of it. */
async function apiServer(answer: StubAnswer) {
  const { connection, seen } = await stub(answer);
  return { rest: new KubeRest(connection), seen };
}

const later = (response: ServerResponse, status = 429, retryAfter = '0') => {
  const body = { kind: 'Status', reason: 'TooManyRequests', message: 'try again later' };
  answerJson(response, status, body, { 'retry-after': retryAfter });
};
const served = (response: ServerResponse) => {
  answerJson(response, 200, { kind: 'Node', metadata: { name: 'n1' } });
};
const path = '/api/v1/nodes/n1';

describe('answers of "later" from the API server (client-go\'s retries)', () => {
  it('waits out a 429 and a 503 with Retry-After and sends a write again', async () => {
    const { rest, seen } = await apiServer((_, response, n) => {
      if (n === 1) later(response, 429, '1');
      else if (n === 2) later(response, 503, '0');
      else served(response);
    });
    const started = Date.now();
    const node = await rest.request<{ kind: string }>({ method: 'PATCH', path, body: [] });
    expect(node.kind).toBe('Node');
    expect(seen.length).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it("gives up after client-go's 10 retries, with the last answer", async () => {
    const { rest, seen } = await apiServer((_, response) => {
      later(response);
    });
    const failure = await rest.request({ method: 'GET', path }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(KubeApiError);
    expect((failure as KubeApiError).status).toBe(429);
    expect((failure as KubeApiError).message).toBe(
      `Kubernetes GET ${path} failed: 429 TooManyRequests: try again later (after 10 retries the API server asked for)`,
    );
    expect(seen.length).toBe(maxAttempts);
  });

  it('sends nothing again for a 429 or 5xx without Retry-After, nor for a 409', async () => {
    const { rest, seen } = await apiServer((_, response, n) => {
      answerJson(response, [429, 500, 409][n - 1] ?? 200, {});
    });
    for (const status of [429, 500, 409]) {
      const failure = await rest.request({ method: 'GET', path }).catch((error: unknown) => error);
      expect((failure as KubeApiError).status).toBe(status);
      expect((failure as KubeApiError).message).not.toMatch(/retr/);
    }
    expect(seen.length).toBe(3);
  });

  it('stops waiting when its caller gives up', async () => {
    const { rest, seen } = await apiServer((_, response) => {
      later(response, 429, '30');
    });
    const caller = new AbortController();
    const asked = rest.request({ method: 'GET', path, signal: caller.signal });
    setTimeout(() => {
      caller.abort();
    }, 100);
    await expect(asked).rejects.toThrow(/abort/i);
    expect(seen.length).toBe(1);
  });

  it('starts a watch once the API server takes it in', async () => {
    const { rest, seen } = await apiServer((_, response, n) => {
      if (n === 1) {
        later(response);
        return;
      }
      answerJson(response, 200, {
        type: 'ADDED',
        object: { kind: 'Node', metadata: { name: 'n1' } },
      });
    });
    const events: string[] = [];
    await rest.watch(
      '/api/v1/nodes',
      {},
      (event) => events.push(event.type),
      AbortSignal.timeout(5000),
    );
    expect(events).toEqual(['ADDED']);
    expect(seen.length).toBe(2);
  });
});

describe('retryAfterMs', () => {
  const answer = (statusCode: number, retryAfter?: string) =>
    ({
      statusCode,
      headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter },
    }) as IncomingMessage;

  it('reads whole seconds on a 429 or 5xx, capped at a minute; nothing else', () => {
    expect(retryAfterMs(answer(429, '1'))).toBe(1000);
    expect(retryAfterMs(answer(504, ' 2 '))).toBe(2000);
    expect(retryAfterMs(answer(429, '86400'))).toBe(60_000);
    expect(retryAfterMs(answer(429))).toBeUndefined();
    expect(retryAfterMs(answer(429, 'soon'))).toBeUndefined();
    expect(retryAfterMs(answer(429, '-1'))).toBeUndefined();
    expect(retryAfterMs(answer(409, '1'))).toBeUndefined();
    expect(retryAfterMs(answer(200, '1'))).toBeUndefined();
  });
});
