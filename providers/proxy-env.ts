import { BlockList, isIP } from 'node:net';

type Env = Readonly<Record<string, string | undefined>>;

/** An environment variable by its upper-case name, else its lower-case one (Go's getEnvAny). */
const envAny = (env: Env, name: string): string =>
  (env[name] ?? env[name.toLowerCase()] ?? '').trim();

const family = (ip: string): 'ipv4' | 'ipv6' => (isIP(ip) === 6 ? 'ipv6' : 'ipv4');

/** An address or a network of `NO_PROXY`, with the one port it is for ('' for any). */
interface AddressEntry {
  readonly list: BlockList;
  readonly port: string;
}

/** A domain of `NO_PROXY`: `foo.com` is foo.com and its subdomains, `.foo.com` the subdomains. */
interface DomainEntry {
  readonly suffix: string;
  readonly exact: boolean;
  readonly port: string;
}

/** `NO_PROXY` as Go's httpproxy reads it. */
interface NoProxy {
  readonly all: boolean;
  readonly addresses: readonly AddressEntry[];
  readonly domains: readonly DomainEntry[];
}

function splitHostPort(entry: string): { host: string; port: string } {
  const bracketed = /^\[([^\]]*)\](?::(\d*))?$/.exec(entry);
  if (bracketed) return { host: bracketed[1] ?? '', port: bracketed[2] ?? '' };
  const colon = entry.lastIndexOf(':');
  if (colon > 0 && entry.indexOf(':') === colon && /^\d+$/.test(entry.slice(colon + 1)))
    return { host: entry.slice(0, colon), port: entry.slice(colon + 1) };
  return { host: entry, port: '' };
}

function addressEntry(address: string, port: string, bits?: number): AddressEntry {
  const list = new BlockList();
  if (bits === undefined) list.addAddress(address, family(address));
  else list.addSubnet(address, bits, family(address));
  return { list, port };
}

function parseNoProxy(value: string): NoProxy {
  const addresses: AddressEntry[] = [];
  const domains: DomainEntry[] = [];
  for (const raw of value.split(',')) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return { all: true, addresses, domains };
    const cidr = /^([^/]+)\/(\d+)$/.exec(entry);
    const { host, port } = splitHostPort(entry);
    if (cidr?.[1] !== undefined && isIP(cidr[1]) !== 0) {
      addresses.push(addressEntry(cidr[1], '', Number(cidr[2])));
    } else if (isIP(host) !== 0) {
      addresses.push(addressEntry(host, port));
    } else if (host !== '') {
      const domain = host.startsWith('*.') ? host.slice(1) : host;
      const exact = !domain.startsWith('.');
      domains.push({ suffix: exact ? `.${domain}` : domain, exact, port });
    }
  }
  return { all: false, addresses, domains };
}

function bypasses(noProxy: NoProxy, host: string, port: string): boolean {
  const forPort = (entry: { readonly port: string }) => entry.port === '' || entry.port === port;
  if (noProxy.all) return true;
  if (isIP(host) !== 0)
    return noProxy.addresses.some((a) => forPort(a) && a.list.check(host, family(host)));
  return noProxy.domains.some(
    (d) => forPort(d) && (host.endsWith(d.suffix) || (d.exact && host === d.suffix.slice(1))),
  );
}

const loopback = [addressEntry('127.0.0.0', '', 8), addressEntry('::1', '')];
const isLoopback = (host: string): boolean =>
  host === 'localhost' ||
  (isIP(host) !== 0 && loopback.some((l) => l.list.check(host, family(host))));

/**
 * The proxy a request to `server` goes through by the environment, as client-go decides it (Go's
 * http.ProxyFromEnvironment): HTTPS_PROXY for an https server, HTTP_PROXY for http, none for
 * localhost and loopback addresses or what NO_PROXY names (addresses, CIDRs such as the service
 * network, domains with their subdomains, each optionally with a port; `*` for all). Undefined:
 * straight to the server. A proxy without a scheme is http://.
 */
export function proxyFromEnvironment(server: string, env: Env): string | undefined {
  const url = new URL(server);
  const proxy = envAny(env, url.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY');
  if (proxy === '') return undefined;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const port = url.port === '' ? (url.protocol === 'https:' ? '443' : '80') : url.port;
  if (isLoopback(host) || bypasses(parseNoProxy(envAny(env, 'NO_PROXY')), host, port))
    return undefined;
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
}

/**
 * Why the environment's proxy for `server` cannot be used (Node speaks http and https proxies, not
 * SOCKS); undefined when it can. Never gone around: the operator named it.
 */
export function proxyRefusal(proxy: string, server: string): string | undefined {
  if (/^https?:\/\//i.test(proxy)) return undefined;
  return `the environment's proxy ${withoutCredentials(proxy)} for ${server} is not supported; use an http or https proxy, or name the server in NO_PROXY`;
}

/** A proxy's URL for messages: its user and password left out. */
export function withoutCredentials(proxy: string): string {
  return proxy.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/]*@/i, '$1');
}
