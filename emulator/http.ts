import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Answer } from './answers.ts';

export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** How an answer leaves: at once, or (a fault) its body one byte every `trickleMs`. */
export interface Delivery {
  readonly trickleMs?: number;
}

/** Writes an answer: JSON whenever there is a body, as the API does on errors too. */
export function send(response: ServerResponse, answer: Answer, delivery: Delivery = {}): void {
  const headers = {
    ...(answer.body === undefined ? {} : { 'content-type': 'application/json' }),
    ...answer.headers,
  };
  const text =
    answer.body === undefined
      ? undefined
      : typeof answer.body === 'string'
        ? answer.body
        : JSON.stringify(answer.body);
  response.writeHead(answer.status, headers);
  if (delivery.trickleMs === undefined || text === undefined) response.end(text);
  else trickle(response, text, delivery.trickleMs);
}

/** A body that arrives a byte at a time: the headers are out, the answer never quite is. */
function trickle(response: ServerResponse, text: string, everyMs: number): void {
  response.flushHeaders();
  let sent = 0;
  const timer = setInterval(() => {
    if (sent >= text.length) {
      clearInterval(timer);
      response.end();
      return;
    }
    response.write(text[sent]);
    sent++;
  }, everyMs);
  response.on('close', () => {
    clearInterval(timer);
  });
}
