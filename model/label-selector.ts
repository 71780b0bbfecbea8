/**
 * A Kubernetes label selector in its string form (`a=b,c!=d,e in (f,g),!h`), parsed at the edge and
 * matched purely. The grammar is the one of `k8s.io/apimachinery/pkg/labels`.
 */
export type Requirement =
  | { readonly key: string; readonly operator: 'in' | 'notin'; readonly values: readonly string[] }
  | { readonly key: string; readonly operator: 'exists' | 'doesnotexist' };

export interface LabelSelector {
  readonly source: string;
  readonly requirements: readonly Requirement[];
}

const keyPattern =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const valuePattern = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** Splits on commas that are not inside a parenthesised value set. */
function splitTerms(source: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of source) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  terms.push(current);
  return terms.map((t) => t.trim());
}

function parseTerm(term: string): ParseResult<Requirement> {
  const setMatch = /^(\S+)\s+(in|notin)\s*\(([^()]*)\)$/.exec(term);
  if (setMatch) {
    const [, key = '', op, list = ''] = setMatch;
    const values = list.split(',').map((v) => v.trim());
    const bad = values.find((v) => !valuePattern.test(v));
    if (bad !== undefined) return { ok: false, error: `"${bad}" is not a valid label value` };
    return checkKey(key, { key, operator: op === 'in' ? 'in' : 'notin', values });
  }
  const eqMatch = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
  if (eqMatch) {
    const [, key = '', op, value = ''] = eqMatch;
    if (!valuePattern.test(value)) {
      return { ok: false, error: `"${value}" is not a valid label value` };
    }
    return checkKey(key, { key, operator: op === '!=' ? 'notin' : 'in', values: [value] });
  }
  if (term.startsWith('!')) {
    const key = term.slice(1).trim();
    return checkKey(key, { key, operator: 'doesnotexist' });
  }
  return checkKey(term, { key: term, operator: 'exists' });
}

function checkKey(key: string, requirement: Requirement): ParseResult<Requirement> {
  return keyPattern.test(key)
    ? { ok: true, value: requirement }
    : { ok: false, error: `"${key}" is not a valid label key` };
}

/** Parses a selector; the empty string selects everything. */
export function parseLabelSelector(source: string): ParseResult<LabelSelector> {
  const trimmed = source.trim();
  if (trimmed === '') return { ok: true, value: { source: '', requirements: [] } };
  const requirements: Requirement[] = [];
  for (const term of splitTerms(trimmed)) {
    if (term === '') return { ok: false, error: 'empty term (a stray comma?)' };
    const parsed = parseTerm(term);
    if (!parsed.ok) return parsed;
    requirements.push(parsed.value);
  }
  return { ok: true, value: { source: trimmed, requirements } };
}

export function matchesLabels(
  selector: LabelSelector,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  const have = labels ?? {};
  return selector.requirements.every((r) => {
    const value = Object.hasOwn(have, r.key) ? have[r.key] : undefined;
    switch (r.operator) {
      case 'exists':
        return value !== undefined;
      case 'doesnotexist':
        return value === undefined;
      case 'in':
        return value !== undefined && r.values.includes(value);
      case 'notin':
        return value === undefined || !r.values.includes(value);
    }
  });
}
