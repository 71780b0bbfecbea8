/** How one preflight check came out: fine, worth a look, or the CCM will not work. */
export type CheckStatus = 'ok' | 'warn' | 'fail';

/** One line of `metal-ccm doctor`: what was checked, what was seen, and how to fix it. */
export interface Check {
  /** Short and stable, for programs reading `--output json` (e.g. `metal.project`). */
  readonly name: string;
  readonly status: CheckStatus;
  readonly seen: string;
  /** What to do about a warn or a fail. */
  readonly fix?: string;
}

export const ok = (name: string, seen: string): Check => ({ name, status: 'ok', seen });

export const warn = (name: string, seen: string, fix: string): Check => ({
  name,
  status: 'warn',
  seen,
  fix,
});

export const fail = (name: string, seen: string, fix: string): Check => ({
  name,
  status: 'fail',
  seen,
  fix,
});

/** A read the checks depend on: its value, or why it could not be made (said once, by one check). */
export type Read<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** Up to `max` names, and how many more, for one line. */
export function listed(names: readonly string[], max = 5): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}
