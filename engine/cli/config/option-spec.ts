import * as parse from './parsers.ts';

/**
 * One definition per option: where it may be set, its default, what it expects. Parsing, the
 * command-line flags, error messages and the README's reference table all come from here.
 */
export interface OptionSpec<T> {
  readonly description: string;
  /** Command-line flag, without dashes. Secrets have none: flags show in `ps`. */
  readonly flag?: string;
  readonly env: readonly string[];
  /** Field names in the config Secret's JSON, matched case-insensitively as upstream did. */
  readonly secret: readonly string[];
  /** Undefined: the option is unset unless `required`, which makes a missing value an error. */
  readonly default?: T;
  readonly required?: boolean;
  readonly defaultText: string;
  readonly expected: string;
  readonly sensitive?: boolean;
  /** An empty string is a value (e.g. `METAL_EIP_TAG=""` turns the feature off), not "unset". */
  readonly emptyIsValue?: boolean;
  readonly parse: parse.Parser<T>;
}

export function option<T>(spec: OptionSpec<T>): OptionSpec<T> {
  return spec;
}

/**
 * The annotation-name options: `METAL_ANNOTATION_<suffix>`, Secret field `annotation<Name>`. The
 * Node BGP ones take upstream's templated form too (`metal.equinix.com/bgp-peers-{{n}}-node-asn`):
 * one annotation per peer, `{{n}}` its index.
 */
export function annotationOption(
  description: string,
  envSuffix: string,
  secretSuffix: string,
  defaultName: string,
  aliases: { env?: readonly string[]; secret?: readonly string[]; template?: boolean } = {},
): OptionSpec<string> {
  return {
    description,
    flag: `annotation-${envSuffix.toLowerCase().replaceAll('_', '-')}`,
    env: [envSuffix, ...(aliases.env ?? [])].map((s) => `METAL_ANNOTATION_${s}`),
    secret: [secretSuffix, ...(aliases.secret ?? [])].map((s) => `annotation${s}`),
    default: defaultName,
    defaultText: `\`${defaultName}\``,
    expected:
      aliases.template === true
        ? 'an annotation name (`prefix/name`); `{{n}}` in it makes one per BGP peer, `n` its index'
        : 'an annotation name (`prefix/name`)',
    parse: aliases.template === true ? parse.annotationTemplate : parse.annotationName,
  };
}
