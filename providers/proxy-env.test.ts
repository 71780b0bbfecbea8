import { describe, expect, it } from 'vitest';
import { proxyFromEnvironment, withoutCredentials } from './proxy-env.ts';

const proxy = 'http://proxy.corp:3128';
const via = (server: string, env: Record<string, string>) => proxyFromEnvironment(server, env);

describe('the proxy of the environment, as client-go decides it', () => {
  it('takes HTTPS_PROXY for an https server and HTTP_PROXY for http, upper case first', () => {
    expect(via('https://10.96.0.1:443', {})).toBeUndefined();
    expect(via('https://10.96.0.1:443', { HTTP_PROXY: proxy })).toBeUndefined();
    expect(via('https://10.96.0.1:443', { https_proxy: proxy })).toBe(proxy);
    expect(via('https://10.96.0.1', { HTTPS_PROXY: proxy, https_proxy: 'http://other:1' })).toBe(
      proxy,
    );
    expect(via('http://api.example.com:8080', { HTTP_PROXY: 'proxy.corp:3128' })).toBe(proxy);
  });

  it('never for localhost or a loopback address', () => {
    const env = { HTTPS_PROXY: proxy };
    for (const server of ['https://localhost:6443', 'https://127.0.0.2:6443', 'https://[::1]:6443'])
      expect(via(server, env)).toBeUndefined();
  });

  it('not for what NO_PROXY names: CIDRs, addresses, domains and their subdomains, ports', () => {
    const env = {
      HTTPS_PROXY: proxy,
      NO_PROXY:
        ' 10.96.0.0/12, 192.168.1.10 ,fd00::/8, .svc, Cluster.Local, 203.0.113.5:6443, *.corp.example, api.example.com:8443',
    };
    const direct = [
      'https://10.96.0.1',
      'https://10.111.255.254:443',
      'https://192.168.1.10:6443',
      'https://[fd00::1]:443',
      'https://kubernetes.default.svc',
      'https://cluster.local',
      'https://kubernetes.default.svc.cluster.local',
      'https://203.0.113.5:6443',
      'https://a.corp.example',
      'https://api.example.com:8443',
    ];
    const proxied = [
      'https://10.112.0.1',
      'https://192.168.1.11',
      'https://[fe80::1]:443',
      'https://svc',
      'https://corp.example',
      'https://203.0.113.5:443',
      'https://api.example.com',
      'https://notcluster.local',
    ];
    for (const server of direct) expect(via(server, env), server).toBeUndefined();
    for (const server of proxied) expect(via(server, env), server).toBe(proxy);
  });

  it('not at all with NO_PROXY=*', () => {
    expect(via('https://api.example.com', { HTTPS_PROXY: proxy, no_proxy: '*' })).toBeUndefined();
  });
});

describe('a proxy named in a message', () => {
  it('leaves its user and password out', () => {
    expect(withoutCredentials('http://user:p%40ss@proxy.corp:3128/')).toBe(
      'http://proxy.corp:3128/',
    );
    expect(withoutCredentials('http://user:p@ss@proxy.corp:3128')).toBe('http://proxy.corp:3128');
    expect(withoutCredentials('socks5://proxy.corp:1080')).toBe('socks5://proxy.corp:1080');
  });
});
