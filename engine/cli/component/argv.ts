import { UsageError } from '../usage-error.ts';
import type { ComponentFlag } from './flag.ts';

/** The values Go's strconv.ParseBool accepts, as pflag reads `--flag=<value>` of a boolean flag. */
const goBool: Readonly<Record<string, boolean>> = {
  '1': true,
  t: true,
  T: true,
  true: true,
  TRUE: true,
  True: true,
  '0': false,
  f: false,
  F: false,
  false: false,
  FALSE: false,
  False: false,
};

interface Token {
  readonly name: string;
  readonly value: string | undefined;
  /** Tokens it spans: 2 when the value is the next argument. */
  readonly width: number;
}

/** `--name=value`, `--name value`, `-v=2`, `-v 2`, `-v2`; underscores in names read as dashes. */
function readToken(
  argv: readonly string[],
  i: number,
  lookup: (name: string) => ComponentFlag | undefined,
): Token | undefined {
  const arg = argv[i] ?? '';
  const long = /^--([^=]+)(=(.*))?$/s.exec(arg);
  const short = /^-([a-zA-Z])(=?(.*))?$/s.exec(arg);
  const match = long ?? short;
  if (match === null) return undefined;
  const name = long === null ? (match[1] ?? '') : (match[1] ?? '').replaceAll('_', '-');
  const found = lookup(name);
  if (found === undefined) return undefined;
  const inline = match[2] === undefined || match[2] === '' ? undefined : match[3];
  if (inline !== undefined || found.kind === 'bool') return { name, value: inline, width: 1 };
  if (found.bare !== undefined) return { name, value: found.bare, width: 1 };
  const next = argv[i + 1];
  if (next === undefined) throw new UsageError([`--${name}: needs a value`]);
  return { name, value: next, width: 2 };
}

/**
 * Rewrites the component flags of a command line the way pflag reads them, so yargs sees one
 * value per flag: names normalised (`--leader_elect`), a boolean's `=value` checked as Go does
 * (`--leader-elect=yes` is an error, as upstream), a list flag given twice appended to (as pflag's
 * string slices), any other flag given twice: the last wins (as pflag). Returns the rewritten
 * arguments and the component flags that were given.
 */
export function normaliseComponentArgs(
  argv: readonly string[],
  flags: Readonly<Record<string, ComponentFlag>>,
): { argv: string[]; given: string[] } {
  const byShort = new Map(
    Object.entries(flags).flatMap(([n, f]) => (f.short === undefined ? [] : [[f.short, n]])),
  );
  const lookup = (name: string): ComponentFlag | undefined => flags[byShort.get(name) ?? name];
  const out: string[] = [];
  const lists = new Map<string, string[]>();
  const given: string[] = [];
  for (let i = 0; i < argv.length;) {
    if (argv[i] === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const token = readToken(argv, i, lookup);
    if (token === undefined) {
      out.push(argv[i] ?? '');
      i++;
      continue;
    }
    const name = byShort.get(token.name) ?? token.name;
    const spec = flags[name] as ComponentFlag;
    if (!given.includes(name)) given.push(name);
    i += token.width;
    if (spec.kind === 'strings') {
      const list = lists.get(name) ?? [];
      if (!lists.has(name)) out.push(`--${name}`);
      lists.set(name, [...list, ...(token.value ?? '').split(',').filter((s) => s !== '')]);
      continue;
    }
    out.push(
      `--${name}=${spec.kind === 'bool' ? boolValue(name, token.value) : (token.value ?? '')}`,
    );
  }
  return {
    argv: out.map((a) =>
      lists.has(a.slice(2)) ? `${a}=${(lists.get(a.slice(2)) ?? []).join(',')}` : a,
    ),
    given,
  };
}

function boolValue(name: string, value: string | undefined): string {
  if (value === undefined) return 'true';
  const parsed = goBool[value];
  if (parsed === undefined)
    throw new UsageError([
      `--${name}: expected true or false (or 1, 0, t, f), got ${JSON.stringify(value)}`,
    ]);
  return String(parsed);
}
