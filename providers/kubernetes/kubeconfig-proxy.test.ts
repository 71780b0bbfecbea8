import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, request as nodeRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { answerJson, useKubeApiStub } from '../../test/support/kube-api-stub.ts';
import { loadKubeConfig } from './kubeconfig.ts';
import { KubeRest } from './rest.ts';

const apiServer = useKubeApiStub();
let proxyServer: Server | undefined;
afterEach(() => {
  proxyServer?.closeAllConnections();
  proxyServer?.close();
  proxyServer = undefined;
});

/** A forward proxy that knows `api.cluster.test` as the stub at `port`, and says whom it carried. */
async function forwardProxy(port: number) {
  const carried: string[] = [];
  proxyServer = createServer((request, response) => {
    const target = new URL(request.url ?? '');
    carried.push(target.host);
    const forwarded = nodeRequest(
      {
        host: '127.0.0.1',
        port,
        path: target.pathname,
        method: request.method,
        headers: request.headers,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    request.pipe(forwarded);
  });
  await new Promise<void>((resolve) => proxyServer?.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${String((proxyServer.address() as AddressInfo).port)}`,
    carried,
  };
}

/** A kubeconfig file for `server`, with a token. */
function kubeconfigFile(server: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'proxy-env-')), 'kubeconfig');
  writeFileSync(
    file,
    `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: '${server}' } }]
users: [{ name: u, user: { token: t } }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
current-context: x
`,
  );
  return file;
}

describe('a kubeconfig whose server is reached through the proxy of the environment', () => {
  it('goes through HTTP_PROXY, and straight to the server when NO_PROXY names it', async () => {
    const { connection } = await apiServer((_, response) => {
      answerJson(response, 200, { kind: 'Namespace' });
    });
    const stubPort = new URL(connection.server).port;
    const kubeconfig = kubeconfigFile(`http://api.cluster.test:${stubPort}`);
    const { url, carried } = await forwardProxy(Number(stubPort));
    const path = '/api/v1/namespaces/kube-system';
    const proxied = new KubeRest(loadKubeConfig({ kubeconfig, env: { HTTP_PROXY: url } }));
    expect(await proxied.request({ method: 'GET', path })).toEqual({ kind: 'Namespace' });
    expect(carried).toEqual([`api.cluster.test:${stubPort}`]);

    const env = { HTTP_PROXY: url, NO_PROXY: '.cluster.test' };
    const direct = new KubeRest(loadKubeConfig({ kubeconfig, env }));
    // Nothing resolves api.cluster.test but the proxy.
    await expect(direct.request({ method: 'GET', path })).rejects.toThrow(/ENOTFOUND|EAI_AGAIN/);
    expect(carried).toHaveLength(1);
  });

  it('refuses a proxy it cannot speak, saying what to do', () => {
    const kubeconfig = kubeconfigFile('https://api.example.com');
    expect(() =>
      loadKubeConfig({ kubeconfig, env: { HTTPS_PROXY: 'socks5://proxy.corp:1080' } }),
    ).toThrow(
      /socks5:\/\/proxy.corp:1080 .* not supported; use an http or https proxy, or name the server in NO_PROXY/,
    );
  });
});
