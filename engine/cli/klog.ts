/**
 * klog's text format, as Kubernetes components log (klog v2, structured):
 *
 *     I0102 15:04:05.123456   12345 reconciler.ts:98] "applying plan" trigger="change" actions=3
 *
 * level letter, month and day, time (UTC) with microseconds, process id, source file and line,
 * the message quoted, then key=value pairs; a value of several lines is written as klog does,
 * `key=<` then each line indented by a tab, then ` >`.
 */

const letters: Readonly<Record<string, string>> = {
  trace: 'I',
  debug: 'I',
  info: 'I',
  warn: 'W',
  error: 'E',
  fatal: 'F',
};

/** What pino adds to every line, which the header says instead. */
const headerKeys = new Set(['level', 'ts', 'caller', 'msg', 'pid', 'hostname', 'name', 'time']);

const two = (n: number): string => String(n).padStart(2, '0');

function header(level: string, tsSeconds: number, pid: number, caller: string): string {
  const at = new Date(tsSeconds * 1000);
  const micros = String(Math.floor((tsSeconds * 1e6) % 1e6)).padStart(6, '0');
  const time = `${two(at.getUTCHours())}:${two(at.getUTCMinutes())}:${two(at.getUTCSeconds())}.${micros}`;
  return `${letters[level] ?? 'I'}${two(at.getUTCMonth() + 1)}${two(at.getUTCDate())} ${time} ${String(pid).padStart(7)} ${caller}]`;
}

function value(raw: unknown): string {
  if (typeof raw === 'string') {
    if (!raw.includes('\n')) return JSON.stringify(raw);
    return `<\n${raw
      .replace(/\n$/, '')
      .split('\n')
      .map((l) => `\t${l}`)
      .join('\n')}\n >`;
  }
  if (typeof raw === 'number' || typeof raw === 'boolean' || raw === null) return String(raw);
  // pino's error serialiser: the message says it; the stack is for --logging-format=json.
  if (typeof raw === 'object' && 'message' in raw && 'type' in raw)
    return JSON.stringify(String((raw as { message: unknown }).message));
  return JSON.stringify(raw);
}

/** One pino JSON line as a klog text line. */
export function klogLine(json: string, pid = process.pid): string {
  const line = JSON.parse(json) as Record<string, unknown>;
  const level = typeof line['level'] === 'string' ? line['level'] : 'info';
  const ts = typeof line['ts'] === 'number' ? line['ts'] : Date.now() / 1000;
  const caller = typeof line['caller'] === 'string' ? line['caller'] : 'metal-ccm';
  const pairs = Object.entries(line)
    .filter(([k]) => !headerKeys.has(k))
    .map(([k, v]) => `${k}=${value(v)}`);
  return `${[header(level, ts, pid, caller), JSON.stringify(typeof line['msg'] === 'string' ? line['msg'] : ''), ...pairs].join(' ')}\n`;
}
