/** One flag of the Kubernetes cloud-controller-manager's command line, as upstream defines it. */

/** How pflag reads the flag's value. */
export type FlagKind = 'bool' | 'string' | 'duration' | 'int' | 'float' | 'strings' | 'ip';

export interface ComponentFlag {
  readonly kind: FlagKind;
  /** Upstream's default, as its `--help` prints it. */
  readonly default?: string;
  readonly help: string;
  /** What the flag does in this CCM; absent: accepted, no effect. */
  readonly effect?: string;
  /** The one-letter form (`-v`). */
  readonly short?: string;
  /** The value of the bare flag, which then takes none from the next argument (`--version`). */
  readonly bare?: string;
}

export function flag(
  kind: FlagKind,
  help: string,
  more: Omit<ComponentFlag, 'kind' | 'help'> = {},
): ComponentFlag {
  return { kind, help, ...more };
}
