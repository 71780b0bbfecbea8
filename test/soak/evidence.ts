/** A klog header: `I1201 03:43:45.023000 …`, in UTC (engine/cli/klog.ts). */
const header = /^[IWE](\d\d)(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{3})/;

/** What a line says about the control plane, its loops and their failures. */
const telling =
  /control-plane|applying plan|plan applied|observation failed|rate limit|every change waits|caches synced/;

const halfYearMs = 183 * 24 * 3600_000;

/**
 * When a line was written. klog's header has no year: it is the year that puts the line nearest
 * `near` (a soak that runs over New Year's night writes `I1231 …` and then `I0101 …`).
 */
function timeOf(line: string, near: number): number | undefined {
  const m = header.exec(line);
  if (m === null) return undefined;
  const [, month, day, h, min, sec, ms] = m.map(Number);
  const year = new Date(near).getUTCFullYear();
  const at = Date.UTC(year, (month ?? 1) - 1, day, h, min, sec, ms);
  if (Math.abs(at - near) <= halfYearMs) return at;
  return Date.UTC(at > near ? year - 1 : year + 1, (month ?? 1) - 1, day, h, min, sec, ms);
}

/**
 * The daemon's lines from each window (`since` to `since + spanMs`) that tell of the control plane,
 * its loops and their failures (the plan's warnings included), at most `max` of them and each cut
 * short: what a failed soak in CI shows of why the control-plane EIP did not move.
 */
export function evidence(
  lines: readonly string[],
  windows: readonly number[],
  spanMs: number,
  max = 80,
): string[] {
  const near = windows[0] ?? Date.now();
  const picked: string[] = [];
  let at: number | undefined;
  for (const line of lines) {
    at = timeOf(line, near) ?? at;
    if (at === undefined || !windows.some((w) => at !== undefined && at >= w && at <= w + spanMs))
      continue;
    if (line.startsWith('---') || !telling.test(line)) continue;
    picked.push(line.length > 240 ? `${line.slice(0, 240)}…` : line);
    if (picked.length === max) break;
  }
  return picked;
}
