import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { parse } from 'yaml';
import type { KubeEnvironment } from '../kube/harness.ts';

/** One request the proxy saw, and what became of it. */
export interface ProxyRecord {
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly watch: boolean;
  status?: number;
}

interface WatchEvent {
  readonly type: string;
  readonly object: { metadata?: { name?: string; resourceVersion?: string } };
}

interface Stream {
  readonly path: string;
  readonly client: ServerResponse;
  readonly upstream: AbortController;
  lastVersion: string;
  silent: boolean;
}

const goneEvent = `${JSON.stringify({
  type: 'ERROR',
  object: {
    kind: 'Status',
    apiVersion: 'v1',
    status: 'Failure',
    reason: 'Expired',
    code: 410,
    message: 'too old resource version',
  },
})}\n`;

/** An error answer, as an API server in trouble gives it. */
function failed(record: ProxyRecord, res: ServerResponse, code: 500 | 503): void {
  record.status = code;
  res.writeHead(code, { 'content-type': 'application/json' }).end(
    JSON.stringify({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      code,
      reason: code === 500 ? 'InternalError' : 'ServiceUnavailable',
      message: 'injected by the test proxy',
    }),
  );
}

async function readAll(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/**
 * A plain-HTTP proxy in front of the test API server, for what a real one does only now and then:
 * a watch ended by 410 Gone (and every resume from that version refused after it, as etcd's
 * compaction would), a watch stream that goes silent without closing, a watch event lost, a
 * request that fails. It records every request with its time, so a test can tell what the client
 * did and in which order.
 */
export class KubeProxy {
  readonly log: ProxyRecord[] = [];
  readonly #kube: KubeEnvironment;
  readonly #agent: Agent;
  readonly #server = createServer((req, res) => {
    void this.#handle(req, res).catch(() => res.destroy());
  });
  readonly #streams = new Set<Stream>();
  /** Paths whose watches are refused with 410 from a resourceVersion at or below this one. */
  readonly #goneBelow = new Map<string, number>();
  #fail: (method: string, path: string) => boolean = () => false;
  #hold: (method: string, path: string) => boolean = () => false;
  /** Requests held unanswered, each waiting for `release()`. */
  readonly #held = new Set<() => void>();
  #swallow: (path: string, event: WatchEvent) => boolean = () => false;
  url = '';

  private constructor(kube: KubeEnvironment, ca: Buffer) {
    this.#kube = kube;
    this.#agent = new Agent({ connect: { ca } });
  }

  static async start(kube: KubeEnvironment): Promise<KubeProxy> {
    const proxy = new KubeProxy(kube, await readFile(kube.servingCertificate.cert));
    await new Promise<void>((resolve) => proxy.#server.listen(0, '127.0.0.1', resolve));
    proxy.url = `http://127.0.0.1:${String((proxy.#server.address() as AddressInfo).port)}`;
    return proxy;
  }

  /** A kubeconfig as the CCM's identity, through this proxy (plain HTTP: client-node then wants skip-TLS set). */
  async ccmKubeconfig(): Promise<string> {
    const config = parse(await readFile(this.#kube.ccmKubeconfig, 'utf8')) as {
      users: { user: { token: string } }[];
    };
    const token = config.users[0]?.user.token ?? '';
    const path = join(await mkdtemp(join(tmpdir(), 'metal-ccm-proxy-')), 'ccm.kubeconfig');
    await writeFile(
      path,
      `apiVersion: v1\nkind: Config\nclusters:\n- name: proxy\n  cluster: {server: "${this.url}", insecure-skip-tls-verify: true}\nusers:\n- name: ccm\n  user: {token: "${token}"}\ncontexts:\n- name: proxy\n  context: {cluster: proxy, user: ccm}\ncurrent-context: proxy\n`,
    );
    return path;
  }

  /** Requests for which `fail` is true are answered 500 (an API server in trouble). */
  failWhen(fail: (method: string, path: string) => boolean): void {
    this.#fail = fail;
  }

  /**
   * Requests for which `hold` is true get no answer (an API server that stopped answering) until
   * `release()`, which answers them 503 and ends the holding.
   */
  holdWhen(hold: (method: string, path: string) => boolean): void {
    this.#hold = hold;
  }

  /** How many requests are held now. */
  get held(): number {
    return this.#held.size;
  }

  release(): void {
    this.#hold = () => false;
    for (const answer of this.#held) answer();
    this.#held.clear();
  }

  /** Watch events for which `swallow` is true never reach the client; the stream goes on. */
  swallowWhen(swallow: (path: string, event: WatchEvent) => boolean): void {
    this.#swallow = swallow;
  }

  /** Ends the open watches of `path` with 410 Gone; resuming them from that version fails too. */
  gone(path: string): number {
    const open = [...this.#streams].filter((s) => s.path === path && !s.client.writableEnded);
    for (const s of open) {
      this.#goneBelow.set(path, Math.max(this.#goneBelow.get(path) ?? 0, Number(s.lastVersion)));
      s.client.end(goneEvent);
      s.upstream.abort();
    }
    return open.length;
  }

  /** The open watches of `path` stay open and bring nothing more (a dead connection); new ones work. */
  silence(path: string): number {
    const open = [...this.#streams].filter((s) => s.path === path && !s.client.writableEnded);
    for (const s of open) s.silent = true;
    return open.length;
  }

  #record(req: IncomingMessage, url: URL): ProxyRecord {
    const watch = ['true', '1'].includes(url.searchParams.get('watch') ?? '');
    const record = { at: Date.now(), method: req.method ?? 'GET', path: url.pathname, watch };
    this.log.push(record);
    return record;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const record = this.#record(req, url);
    const body = await readAll(req);
    const from = Number(url.searchParams.get('resourceVersion') ?? '');
    if (this.#hold(record.method, record.path)) {
      await new Promise<void>((resolve) => this.#held.add(resolve));
      failed(record, res, 503);
      return;
    }
    if (this.#fail(record.method, record.path)) {
      failed(record, res, 500);
      return;
    }
    // A list brings versions that are valid again; a resume from before the 410 is refused.
    if (!record.watch && record.method === 'GET') this.#goneBelow.delete(record.path);
    if (record.watch && from > 0 && from <= (this.#goneBelow.get(record.path) ?? 0)) {
      record.status = 200;
      res.writeHead(200, { 'content-type': 'application/json' }).end(goneEvent);
      return;
    }
    const upstream = new AbortController();
    const answer = await request(`${this.#kube.server}${req.url ?? '/'}`, {
      method: record.method as 'GET',
      headers: Object.fromEntries(
        Object.entries(req.headers).filter(([k]) => !['host', 'connection'].includes(k)),
      ) as Record<string, string>,
      ...(body.length === 0 ? {} : { body }),
      dispatcher: this.#agent,
      signal: upstream.signal,
    });
    record.status = answer.statusCode;
    const headers = Object.fromEntries(
      Object.entries(answer.headers).filter(
        ([k]) => !['transfer-encoding', 'connection', 'content-length'].includes(k),
      ),
    );
    res.writeHead(answer.statusCode, headers as Record<string, string>);
    if (!record.watch || answer.statusCode !== 200) {
      res.end(await readAll(answer.body));
      return;
    }
    await this.#forwardWatch(record.path, answer.body, res, upstream, from);
  }

  async #forwardWatch(
    path: string,
    body: AsyncIterable<Buffer>,
    client: ServerResponse,
    upstream: AbortController,
    from: number,
  ): Promise<void> {
    // The version the client resumes from: where it started, or the last event it was given.
    const stream: Stream = {
      path,
      client,
      upstream,
      lastVersion: String(from || 0),
      silent: false,
    };
    this.#streams.add(stream);
    client.on('close', () => {
      upstream.abort();
      this.#streams.delete(stream);
    });
    let pending = '';
    try {
      for await (const chunk of body) {
        pending += chunk.toString();
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines.filter((l) => l.trim() !== '')) {
          const event = JSON.parse(line) as WatchEvent;
          if (stream.silent || client.writableEnded || this.#swallow(path, event)) continue;
          stream.lastVersion = event.object.metadata?.resourceVersion ?? stream.lastVersion;
          client.write(`${line}\n`);
        }
      }
    } catch {
      // the proxy ended it (gone) or the client left
    }
    // A silenced stream stays open: the client's watchdog must notice.
    if (!stream.silent && !client.writableEnded) client.end();
  }

  async close(): Promise<void> {
    this.release();
    for (const s of this.#streams) s.client.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.#server.close(() => {
        resolve();
      }),
    );
    await this.#agent.close();
  }
}
