import { isIP } from 'node:net';

export type Read<T> = { ok: true; value: T } | { ok: false; expected: string };

const goUnits: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** A Go duration (`1h30m`, `500ms`, `0`) in milliseconds, as pflag's duration flags read it. */
export function goDuration(text: string): Read<number> {
  const expected = 'a duration such as 15s, 1m30s or 500ms';
  const trimmed = text.trim();
  if (trimmed === '0') return { ok: true, value: 0 };
  const sign = trimmed.startsWith('-') ? -1 : 1;
  const body = trimmed.replace(/^[-+]/, '');
  const parts = [...body.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== body)
    return { ok: false, expected };
  const ms = parts.reduce((sum, [, n = '0', u = 's']) => sum + Number(n) * (goUnits[u] ?? 0), 0);
  return { ok: true, value: sign * ms };
}

export function goInt(text: string): Read<number> {
  return /^[-+]?\d+$/.test(text.trim())
    ? { ok: true, value: Number(text) }
    : { ok: false, expected: 'a whole number' };
}

export function goFloat(text: string): Read<number> {
  const value = Number(text);
  return text.trim() !== '' && Number.isFinite(value)
    ? { ok: true, value }
    : { ok: false, expected: 'a number' };
}

export function ipAddress(text: string): Read<string> {
  return isIP(text.trim()) === 0
    ? { ok: false, expected: 'an IP address such as 0.0.0.0 or ::' }
    : { ok: true, value: text.trim() };
}

/** The parser of a flag's kind; strings and lists take anything. */
export function readKind(kind: string, text: string): Read<unknown> {
  switch (kind) {
    case 'duration':
      return goDuration(text);
    case 'int':
      return goInt(text);
    case 'float':
      return goFloat(text);
    case 'ip':
      return ipAddress(text);
    default:
      return { ok: true, value: text };
  }
}

/** `host:port` (`127.0.0.1:10258`, `[::1]:0`, `:10258` for every address) of a listener. */
export function hostPort(text: string): Read<{ host: string; port: number }> {
  const expected = 'host:port such as 127.0.0.1:10258 (an IP address and a port from 0 to 65535)';
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text.trim());
  if (match === null) return { ok: false, expected };
  const host = match[1] ?? (match[2] === '' || match[2] === undefined ? '0.0.0.0' : match[2]);
  const port = Number(match[3]);
  if (port > 65535 || (isIP(host) === 0 && host !== 'localhost')) return { ok: false, expected };
  return { ok: true, value: { host, port } };
}
