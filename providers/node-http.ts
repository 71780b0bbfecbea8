import type { Agent, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * node:http, as the CommonJS module gives it. Not `import … from 'node:http'`: an ESM import
 * reads every export, and http.WebSocket's getter loads Node's own copy of undici (13 MB resident,
 * never used; engine/cli/module-graph.test.ts checks it stays unloaded).
 */
export const nodeHttp = process.getBuiltinModule('node:http');

/** An answer's whole body as text; rejects when the answer breaks off (or its request is aborted). */
export function readText(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => {
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    response.on('error', reject);
  });
}

/**
 * Sends one request with Node's own client (http or https by the URL) and resolves with the answer
 * as it starts: the Metal client reads it whole, a Kubernetes watch line by line. `body` is sent
 * with its Content-Length; `signal` ends the request, and the answer's body, at any point.
 */
export function openRequest(
  url: URL,
  options: {
    readonly method: string;
    readonly headers: OutgoingHttpHeaders;
    readonly agent: Agent;
    readonly signal?: AbortSignal;
  },
  body?: string,
): Promise<IncomingMessage> {
  const open = url.protocol === 'https:' ? httpsRequest : nodeHttp.request;
  return new Promise((resolve, reject) => {
    const sent = open(
      url,
      {
        method: options.method,
        headers: {
          ...options.headers,
          ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
        },
        agent: options.agent,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      },
      resolve,
    );
    sent.on('error', reject);
    sent.end(body);
  });
}
