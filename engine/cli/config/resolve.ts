import type { Settings } from '../../../model/settings.ts';
import { options, type OptionName, type OptionSpec, type OptionValue } from './options.ts';
import { unsupportedOptions, unsupportedWarnings } from './unsupported.ts';
import { FileSecret } from './file-secret.ts';
import type { Sensitive } from '../../../model/sensitive.ts';

/** Where the option values may come from, highest precedence first. */
export interface ConfigSources {
  /** Command-line values by flag name; absent when the flag was not given. */
  readonly flags: Readonly<Record<string, unknown>>;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The config Secret (`--provider-config`), a JSON object. */
  readonly secret?: { readonly path: string; readonly fields: Readonly<Record<string, unknown>> };
}

export type Origins = Readonly<Record<OptionName, string>>;

export interface ResolvedConfig {
  readonly settings: Settings;
  /** For each option, where its value came from: `flag --metro`, `environment METAL_…`, … */
  readonly origins: Origins;
  readonly warnings: readonly string[];
  /** What it was resolved from (an export writes it back as a config Secret). */
  readonly sources: ConfigSources;
}

export type Resolution =
  | { readonly ok: true; readonly value: ResolvedConfig }
  | { readonly ok: false; readonly errors: readonly string[] };

interface Raw {
  readonly origin: string;
  readonly value: unknown;
}

function isSet(value: unknown, spec: OptionSpec<unknown>): boolean {
  return value !== undefined && value !== null && (value !== '' || spec.emptyIsValue === true);
}

type Found = Raw | { readonly conflict: string } | undefined;

/**
 * The Secret field of an option, matched case-insensitively over its names (`projectID` and
 * `projectId`); several of them with different values is a conflict, named, never a silent pick.
 */
function secretField(secret: ConfigSources['secret'], spec: OptionSpec<unknown>): Found {
  if (secret === undefined) return undefined;
  const wanted = new Set(spec.secret.map((n) => n.toLowerCase()));
  const names = Object.keys(secret.fields).filter(
    (k) => wanted.has(k.toLowerCase()) && isSet(secret.fields[k], spec),
  );
  const [first] = names;
  if (first === undefined) return undefined;
  const distinct = new Set(names.map((n) => JSON.stringify(secret.fields[n])));
  if (distinct.size > 1)
    return {
      conflict: `the config Secret ${secret.path} sets it in ${names.map((n) => `"${n}"`).join(' and ')} with different values; keep one`,
    };
  return {
    origin: `field "${first}" of the config Secret ${secret.path}`.trim(),
    value: secret.fields[first],
  };
}

/** The first source that sets the option: flag > environment > config Secret. */
function findRaw(spec: OptionSpec<unknown>, sources: ConfigSources): Found {
  if (spec.flag !== undefined && isSet(sources.flags[spec.flag], spec)) {
    return { origin: `flag --${spec.flag}`, value: sources.flags[spec.flag] };
  }
  for (const name of spec.env) {
    if (isSet(sources.env[name], spec)) {
      return { origin: `environment variable ${name}`, value: sources.env[name] };
    }
  }
  return secretField(sources.secret, spec);
}

function whereToSet(spec: OptionSpec<unknown>): string {
  const places = [
    ...(spec.flag === undefined ? [] : [`flag --${spec.flag}`]),
    ...spec.env.slice(0, 1).map((e) => `environment variable ${e}`),
    ...spec.secret.slice(0, 1).map((f) => `field "${f}" of the config Secret (--provider-config)`),
  ];
  return places.join(', or ');
}

function describeGot(value: unknown, spec: OptionSpec<unknown>): string {
  if (spec.sensitive === true) return '';
  return `; got ${JSON.stringify(value)}`;
}

/**
 * Resolves every option by precedence: flag > `METAL_*` environment variable > config Secret
 * field > default > error. Every bad or missing value is reported, each in one line naming the
 * option, where its value came from, and what is expected.
 */
export function resolveConfig(sources: ConfigSources): Resolution {
  const errors: string[] = [];
  const values: Partial<Record<OptionName, unknown>> = {};
  const origins: Partial<Record<OptionName, string>> = {};
  for (const [name, spec] of Object.entries(options) as [OptionName, OptionSpec<unknown>][]) {
    const raw = findRaw(spec, sources);
    if (raw !== undefined && 'conflict' in raw) {
      errors.push(`${name}: ${raw.conflict}`);
      continue;
    }
    if (raw === undefined) {
      if (spec.required === true && !inFile(name, sources))
        errors.push(`${name} is not set: set ${whereToSet(spec)}`);
      values[name] = spec.default;
      origins[name] = 'default';
      continue;
    }
    const parsed = spec.parse(raw.value);
    if (parsed.ok) {
      values[name] = parsed.value;
      origins[name] = raw.origin;
    } else {
      errors.push(
        `${name} (from ${raw.origin}): expected ${spec.expected}${describeGot(raw.value, spec)} (${parsed.error})`,
      );
    }
  }
  readFiles(values, origins, errors);
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      settings: toSettings(values as { [K in OptionName]: OptionValue<K> }),
      origins: origins as Origins,
      warnings: [...unknownSecretFields(sources.secret), ...unsupportedWarnings(sources)],
      sources,
    },
  };
}

/** The secrets that may be given as a file instead, and the option that names the file. */
const secretFiles = { apiKey: 'apiKeyFile', bgpPass: 'bgpPassFile' } as const;

const inFile = (name: OptionName, sources: ConfigSources): boolean =>
  name in secretFiles &&
  findRaw(options[secretFiles[name as keyof typeof secretFiles]], sources) !== undefined;

/** A secret given as a file becomes a FileSecret (read now, and again at each use); not both. */
function readFiles(
  values: Partial<Record<OptionName, unknown>>,
  origins: Partial<Record<OptionName, string>>,
  errors: string[],
): void {
  for (const [name, fileOption] of Object.entries(secretFiles) as [
    keyof typeof secretFiles,
    OptionName,
  ][]) {
    const path = values[fileOption];
    if (typeof path !== 'string') continue;
    const origin = origins[fileOption] ?? fileOption;
    if (origins[name] !== 'default') {
      errors.push(
        `${name} is set by ${origins[name] ?? ''} and ${fileOption} by ${origin}: set one of them`,
      );
      continue;
    }
    const parse = options[name].parse as (raw: unknown) => ReturnType<typeof options.apiKey.parse>;
    const secret = FileSecret.open(path, origin, parse);
    if ('error' in secret) {
      errors.push(
        `${name} (from ${fileOption}, ${origin}): expected ${options[name].expected} (${secret.error})`,
      );
      continue;
    }
    values[name] = secret satisfies Sensitive;
    origins[name] = `file ${path} (${origin})`;
  }
}

/**
 * The configuration as the fields of a config Secret (a fixture's config.json): every option set
 * by a flag, the environment or the Secret, under its Secret field name, as it was given; the
 * value of a secret option as `redact` says. Options without a Secret field are left out.
 */
export function asSecretFields(
  sources: ConfigSources,
  redact: (secret: string) => string,
): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const spec of Object.values(options) as OptionSpec<unknown>[]) {
    const field = spec.secret[0];
    const raw = findRaw(spec, sources);
    if (field === undefined || raw === undefined || 'conflict' in raw) continue;
    fields[field] = spec.sensitive === true ? redact(String(raw.value)) : raw.value;
  }
  return fields;
}

function unknownSecretFields(secret: ConfigSources['secret']): string[] {
  if (secret === undefined) return [];
  const known = new Set(
    [
      ...Object.values(options).flatMap((o: OptionSpec<unknown>) => o.secret),
      ...unsupportedOptions.map((o) => o.secret),
    ].map((s) => s.toLowerCase()),
  );
  return Object.keys(secret.fields)
    .filter((k) => !known.has(k.toLowerCase()))
    .map((k) => `field "${k}" of the config Secret ${secret.path} is not an option; ignored`);
}

function toSettings(v: { [K in OptionName]: OptionValue<K> }): Settings {
  return {
    apiKey: v.apiKey,
    projectID: v.projectID,
    ...(v.facility === undefined ? {} : { facility: v.facility }),
    ...(v.metro === undefined ? {} : { metro: v.metro }),
    metadataURL: v.metadataURL,
    baseURL: v.baseURL,
    loadBalancer: v.loadBalancer,
    ...(v.loadBalancerClass === undefined ? {} : { loadBalancerClass: v.loadBalancerClass }),
    eipLimit: v.eipLimit,
    localASN: v.localASN,
    ...(v.bgpPass === undefined ? {} : { bgpPass: v.bgpPass }),
    annotations: {
      localASN: v.annotationLocalASN,
      peerASNs: v.annotationPeerASNs,
      peerIPs: v.annotationPeerIPs,
      srcIP: v.annotationSrcIP,
      bgpPass: v.annotationBGPPass,
      networkIPv4Private: v.annotationNetworkIPv4Private,
      eipMetro: v.annotationEIPMetro,
      eipFacility: v.annotationEIPFacility,
    },
    eipTag: v.eipTag,
    apiServerPort: v.apiServerPort,
    bgpNodeSelector: v.bgpNodeSelector,
    eipHealthCheckUseHostIP: v.eipHealthCheckUseHostIP,
    eipHealthCheckIntervalMs: v.eipHealthCheckInterval,
    eipHealthCheckFailures: v.eipHealthCheckFailures,
    syncPeriodMs: v.syncPeriod,
    metalRequestTimeoutMs: v.metalRequestTimeout,
    metalObservationTimeoutMs: v.metalObservationTimeout ?? v.syncPeriod,
  };
}
