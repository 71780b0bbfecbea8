/**
 * The part of the Metal API description the emulator checks against: the operations it serves,
 * with every component they reach (and `Error`, the body of injected faults). Descriptions and
 * summaries are dropped: they do not validate anything.
 */

type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface OpenApi {
  readonly openapi: string;
  readonly info: { readonly title: string; readonly version: string };
  readonly paths: Record<string, Record<string, JsonValue>>;
  readonly components: Record<string, Record<string, JsonValue>>;
}

export interface Operation {
  readonly method: string;
  readonly template: string;
}

const methods = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
const unescape = (s: string): string => s.replaceAll('~1', '/').replaceAll('~0', '~');

function withoutProse(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(withoutProse);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      // A *property* named `description` has an object as its value; prose is a string.
      .filter(([k, v]) => !((k === 'description' || k === 'summary') && typeof v === 'string'))
      .map(([k, v]) => [k, withoutProse(v)]),
  );
}

/** Every `#/components/<kind>/<name>` reference reachable from `value`, followed through `spec`. */
function references(spec: OpenApi, value: JsonValue, found: Set<string>): void {
  if (Array.isArray(value)) {
    for (const v of value) references(spec, v, found);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, v] of Object.entries(value)) {
    if (key !== '$ref' || typeof v !== 'string') {
      references(spec, v, found);
      continue;
    }
    const [hash, components, kind, name, ...rest] = v.split('/');
    if (hash !== '#' || components !== 'components' || kind === undefined || name === undefined)
      throw new Error(`unexpected reference ${v}: only #/components/<kind>/<name> is followed`);
    if (rest.length > 0) throw new Error(`unexpected reference ${v} into a component`);
    if (found.has(v)) continue;
    const target = spec.components[kind]?.[unescape(name)];
    if (target === undefined) throw new Error(`reference ${v} resolves to nothing`);
    found.add(v);
    references(spec, target, found);
  }
}

/** The reduced description: the same layout (so JSON pointers into it are the spec's own). */
export function reduce(spec: OpenApi, operations: readonly Operation[]): OpenApi {
  const paths: Record<string, Record<string, JsonValue>> = {};
  for (const { method, template } of operations) {
    const item = spec.paths[template];
    const operation = item?.[method.toLowerCase()];
    if (item === undefined || operation === undefined)
      throw new Error(`the Metal API description has no ${method} ${template}`);
    const shared = Object.entries(item).filter(([k]) => !methods.has(k));
    paths[template] = {
      ...paths[template],
      ...Object.fromEntries(shared),
      [method.toLowerCase()]: operation,
    };
  }
  const found = new Set<string>(['#/components/schemas/Error']);
  references(spec, spec.components['schemas']?.['Error'] ?? null, found);
  references(spec, paths, found);
  const components: Record<string, Record<string, JsonValue>> = {};
  for (const ref of [...found].sort()) {
    const [, , kind = '', name = ''] = ref.split('/');
    components[kind] = {
      ...components[kind],
      [unescape(name)]: spec.components[kind]?.[unescape(name)] ?? null,
    };
  }
  return {
    openapi: spec.openapi,
    info: { title: spec.info.title, version: spec.info.version },
    paths: withoutProse(paths) as OpenApi['paths'],
    components: withoutProse(components) as OpenApi['components'],
  };
}
