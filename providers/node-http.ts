import type { IncomingMessage } from 'node:http';

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
