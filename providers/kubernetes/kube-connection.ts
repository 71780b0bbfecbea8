import { readFileSync } from 'node:fs';
import type { Agent as HttpAgent, OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, type RequestOptions } from 'node:https';
// client-node's kubeconfig vocabulary and its two credential plugins, each by its own module: the
// package index (and its config.js) loads the whole generated API, ~85 MB of resident memory the
// CCM never runs. The package declares no `exports`, so these files are its public surface too.
import type { Cluster, User } from '@kubernetes/client-node/dist/config_types.js';
import type { ExecAuth } from '@kubernetes/client-node/dist/exec_auth.js';
import { FileAuth } from '@kubernetes/client-node/dist/file_auth.js';
import { nodeHttp } from '../node-http.ts';

/** What a request needs to reach the API server as the kubeconfig's identity. */
export interface Credentials {
  readonly headers: Readonly<Record<string, string>>;
  /** The connections: kept alive, with the cluster's TLS settings and proxy. */
  readonly agent: HttpAgent;
}

type TlsOptions = { ca?: Buffer; cert?: Buffer | string; key?: Buffer | string } & {
  rejectUnauthorized?: boolean;
  servername?: string;
};

/** How long a certificate, key or CA file read is used before it is read again (a rotation). */
const fileFreshMs = 10_000;

/**
 * A kubeconfig's file or inline data: files are read again at most every `fileFreshMs`, so a
 * rotated certificate is picked up without a read from disk on every request. Inline data is
 * decoded once, looked up by the kubeconfig's own string (whose hash V8 keeps: a key built per
 * request from kilobytes of base64 cost more than the request's own client code).
 */
class TlsMaterial {
  readonly #files = new Map<string, { readonly at: number; readonly content: Buffer }>();
  readonly #inline = new Map<string, Buffer>();

  get(file: string | undefined, data: string | undefined, now = Date.now()): Buffer | undefined {
    if (file !== undefined && file !== '') return this.#file(file, now);
    if (data === undefined || data === '') return undefined;
    let content = this.#inline.get(data);
    if (content === undefined) this.#inline.set(data, (content = Buffer.from(data, 'base64')));
    return content;
  }

  #file(file: string, now: number): Buffer {
    const seen = this.#files.get(file);
    if (seen !== undefined && now - seen.at < fileFreshMs) return seen.content;
    const content = readFileSync(file);
    this.#files.set(file, { at: now, content });
    return content;
  }
}

/** The same certificate or key: the same object, or (read again from its file) the same bytes. */
const sameMaterial = (a: Buffer | string | undefined, b: Buffer | string | undefined): boolean =>
  a === b || (Buffer.isBuffer(a) && Buffer.isBuffer(b) && a.equals(b));

/**
 * The connections to one API server as one identity. Node names an https pool by its TLS options,
 * the CA, certificate and key turned to text, as each request is queued and again as its
 * connection is freed; here every request has the same ones, so the name is made once.
 */
class OneServerAgent extends HttpsAgent {
  #name: string | undefined;

  override getName(options?: RequestOptions): string {
    return (this.#name ??= super.getName(options));
  }
}

/**
 * The current context of a kubeconfig: its cluster and user, and how a request authenticates as
 * that user, as client-node's KubeConfig.applySecurityAuthentication does it for what a kubeconfig
 * of a component holds (certificates, a token, a token file, an exec plugin, basic auth,
 * impersonation, an HTTP proxy).
 */
export class KubeConnection {
  readonly cluster: Cluster;
  readonly user: User;
  #plugin: Promise<ExecAuth | FileAuth | undefined> | undefined;
  readonly #material = new TlsMaterial();
  /** One connection pool for every request, made again when an exec plugin rotates the certificate. */
  #pool: { readonly tls: TlsOptions; readonly agent: HttpAgent } | undefined;

  constructor(cluster: Cluster, user: User) {
    this.cluster = cluster;
    this.user = user;
  }

  /**
   * The user's credential plugin. The exec plugin's module (it loads node:child_process) only for a
   * user that may need it: a service account's token file does not.
   */
  async #pluginFor(user: User): Promise<ExecAuth | FileAuth | undefined> {
    const file = new FileAuth();
    if (file.isAuthProvider(user)) return file;
    if (user.exec === undefined && user.authProvider === undefined) return undefined;
    const { ExecAuth } = await import('@kubernetes/client-node/dist/exec_auth.js');
    const exec = new ExecAuth();
    return exec.isAuthProvider(user) ? exec : undefined;
  }

  get server(): string {
    return this.cluster.server.replace(/\/+$/, '');
  }

  /** Headers and TLS for one request; re-reads a token file and re-runs an expired exec plugin. */
  async credentials(): Promise<Credentials> {
    const { cluster, user } = this;
    const opts: RequestOptions & { headers: OutgoingHttpHeaders } = { headers: {} };
    // A bearer token (the plugin's, then the user's own) wins over basic auth, as in client-node.
    if (user.username !== undefined && user.username !== '')
      opts.headers['Authorization'] =
        `Basic ${Buffer.from(`${user.username}:${user.password ?? ''}`).toString('base64')}`;
    if (user.impersonateUser !== undefined) opts.headers['Impersonate-User'] = user.impersonateUser;
    this.#plugin ??= this.#pluginFor(user);
    await (await this.#plugin)?.applyAuthentication(user, opts);
    if (user.token !== undefined && user.token !== '')
      opts.headers['Authorization'] = `Bearer ${user.token}`;
    const tls: TlsOptions = {};
    if (cluster.skipTLSVerify) tls.rejectUnauthorized = false;
    if (cluster.tlsServerName !== undefined) tls.servername = cluster.tlsServerName;
    const ca = this.#material.get(cluster.caFile, cluster.caData);
    if (ca !== undefined) tls.ca = ca;
    const cert =
      (opts.cert as string | undefined) ?? this.#material.get(user.certFile, user.certData);
    if (cert !== undefined) tls.cert = cert;
    const key = (opts.key as string | undefined) ?? this.#material.get(user.keyFile, user.keyData);
    if (key !== undefined) tls.key = key;
    const headers = Object.fromEntries(
      Object.entries(opts.headers).map(([k, v]) => [k, String(v)]),
    );
    return { headers, agent: this.#agent(tls) };
  }

  #agent(tls: TlsOptions): HttpAgent {
    const pool = this.#pool;
    if (
      pool !== undefined &&
      sameMaterial(pool.tls.cert, tls.cert) &&
      sameMaterial(pool.tls.key, tls.key)
    )
      return pool.agent;
    const replaced = this.#pool?.agent;
    // Requests under way on the pool replaced may finish (30 s at most); watches then start again.
    if (replaced !== undefined)
      setTimeout(() => {
        replaced.destroy();
      }, 60_000).unref();
    const proxy = this.cluster.proxyUrl;
    const options = {
      // 30 s keep-alive probes, as client-go (a cloud load balancer may drop idle connections at 60 s).
      keepAlive: true,
      keepAliveMsecs: 30_000,
      // HTTP/1.1: one request per connection at a time. Requests beyond 64 at once (watches hold one
      // each) wait for a connection instead of opening ever more against the API server.
      maxSockets: 64,
      // The kubeconfig's proxy for every request; the TLS settings are the API server's.
      ...(proxy === undefined ? {} : { proxyEnv: { HTTPS_PROXY: proxy, HTTP_PROXY: proxy } }),
    };
    const agent = this.server.startsWith('http:')
      ? new nodeHttp.Agent(options)
      : new OneServerAgent({ ...options, ...tls });
    this.#pool = { tls, agent };
    return agent;
  }
}
