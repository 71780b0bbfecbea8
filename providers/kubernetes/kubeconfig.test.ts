import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { KubeConfigError, loadKubeConfig } from './kubeconfig.ts';

const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-test-'));

function kubeconfig(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const ca = Buffer.from('not really a CA').toString('base64');

function config(user: string, cluster = `server: https://api.example:6443/`): string {
  return `apiVersion: v1
kind: Config
current-context: ccm
contexts:
  - name: other
    context: { cluster: far, user: nobody }
  - name: ccm
    context: { cluster: near, user: ccm }
clusters:
  - name: far
    cluster: { server: https://far.example }
  - name: near
    cluster:
      ${cluster}
      certificate-authority-data: ${ca}
users:
  - name: ccm
    user:
${user}
`;
}

describe('loadKubeConfig', () => {
  it("takes the current context's cluster and user, and authenticates with the token", async () => {
    const path = kubeconfig('token', config('      token: s3cret'));
    const connection = loadKubeConfig({ kubeconfig: path, env: {} });
    expect(connection.server).toBe('https://api.example:6443');
    const { headers, agent } = await connection.credentials();
    expect(headers).toEqual({ Authorization: 'Bearer s3cret' });
    expect(agent).toBeInstanceOf(HttpsAgent);
    // One connection pool for every request, not one per request.
    expect((await connection.credentials()).agent).toBe(agent);
  });

  it('reads the token from a token file (a rotated service account token)', async () => {
    writeFileSync(join(dir, 'token-file'), 'from-a-file');
    const tokenFile = join(dir, 'token-file');
    const path = kubeconfig(
      'token-file.yaml',
      config(`      auth-provider: { name: tokenFile, config: { tokenFile: ${tokenFile} } }`),
    );
    const { headers } = await loadKubeConfig({ kubeconfig: path, env: {} }).credentials();
    expect(headers).toEqual({ Authorization: 'Bearer from-a-file' });
  });

  it('finds certificate files relative to the kubeconfig', () => {
    const path = kubeconfig('cert', config('      client-certificate: cert.pem'));
    expect(loadKubeConfig({ kubeconfig: path, env: {} }).user.certFile).toBe(join(dir, 'cert.pem'));
  });

  it('sends basic auth when the user has a username and no token', async () => {
    const path = kubeconfig('basic', config('      username: admin\n      password: pw'));
    const { headers } = await loadKubeConfig({ kubeconfig: path, env: {} }).credentials();
    expect(headers).toEqual({
      Authorization: `Basic ${Buffer.from('admin:pw').toString('base64')}`,
    });
  });

  it('lets --master override the server', () => {
    const path = kubeconfig('master', config('      token: t'));
    const connection = loadKubeConfig({ kubeconfig: path, master: 'https://other:1', env: {} });
    expect(connection.server).toBe('https://other:1');
  });

  it('refuses an auth provider it cannot run, naming the user and what to use', () => {
    const path = kubeconfig('gcp', config('      auth-provider: { name: gcp }'));
    expect(() => loadKubeConfig({ kubeconfig: path, env: {} })).toThrow(
      new KubeConfigError(
        `--kubeconfig ${path}: users[ccm].auth-provider gcp is not supported; use an exec plugin, a token or a client certificate`,
      ),
    );
  });

  it('says which file names no current context with a cluster', () => {
    const path = kubeconfig('empty', 'apiVersion: v1\nkind: Config\n');
    expect(() => loadKubeConfig({ kubeconfig: path, env: {} })).toThrow(
      `--kubeconfig ${path} names no current context with a cluster`,
    );
  });

  it('says which entry of a kubeconfig is broken', () => {
    const path = kubeconfig('broken', config('      token: t', 'insecure-skip-tls-verify: true'));
    expect(() => loadKubeConfig({ kubeconfig: path, env: {} })).toThrow(
      `--kubeconfig ${path} is not a usable kubeconfig: clusters[1].cluster.server is missing`,
    );
  });

  it('with --master alone, talks to it without credentials', async () => {
    const connection = loadKubeConfig({ master: 'http://127.0.0.1:8080', env: { HOME: dir } });
    expect(connection.server).toBe('http://127.0.0.1:8080');
    const { headers, agent } = await connection.credentials();
    expect(headers).toEqual({});
    expect(agent).toBeInstanceOf(HttpAgent);
    expect(agent).not.toBeInstanceOf(HttpsAgent);
  });

  it('reads a rotated client certificate within 10 s, not the disk on every request; keeps its connections while it is the same', async () => {
    const cert = kubeconfig('client.crt', 'first certificate');
    const key = kubeconfig('client.key', 'first key');
    const path = kubeconfig(
      'certs',
      config(`      client-certificate: ${cert}\n      client-key: ${key}`),
    );
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const connection = loadKubeConfig({ kubeconfig: path, env: {} });
      const first = (await connection.credentials()).agent;
      vi.setSystemTime(Date.now() + 11_000); // read again, the same bytes
      expect((await connection.credentials()).agent).toBe(first);
      writeFileSync(cert, 'rotated certificate');
      writeFileSync(key, 'rotated key');
      vi.setSystemTime(Date.now() + 5000);
      expect((await connection.credentials()).agent).toBe(first);
      vi.setSystemTime(Date.now() + 6000);
      expect((await connection.credentials()).agent).not.toBe(first);
    } finally {
      vi.useRealTimers();
    }
  });

  it("names its pool as Node would, once: not by reading every request's TLS options again", async () => {
    const connection = loadKubeConfig({
      kubeconfig: kubeconfig('named', config('      token: s3cret')),
      env: {},
    });
    const agent = (await connection.credentials()).agent as HttpsAgent;
    // What Agent#addRequest asks with: the request's options and the agent's own (the CA).
    const request = { host: 'api.example', port: 6443, ...agent.options };
    const name = agent.getName(request);
    expect(name).toBe(HttpsAgent.prototype.getName.call(new HttpsAgent(), request));
    expect(name).toContain('not really a CA');
    const unread = {
      get ca(): never {
        throw new Error('read again');
      },
    };
    expect(agent.getName(unread)).toBe(name);
  });
});
