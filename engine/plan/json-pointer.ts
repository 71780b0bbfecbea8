/** JSON Pointer helpers for rendering patches in field words. */

export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  // Most segments hold no escape: only those that do are rewritten (every change of a plan asks).
  return pointer
    .slice(1)
    .split('/')
    .map((s) => (s.includes('~') ? s.replaceAll('~1', '/').replaceAll('~0', '~') : s));
}

const plainKey = /^[A-Za-z_][A-Za-z0-9_]*$/;
const arrayIndex = /^(\d+|-)$/;

/** `/metadata/labels/topology.kubernetes.io~1region` → `metadata.labels["topology.kubernetes.io/region"]` */
export function fieldPath(segments: readonly string[]): string {
  let out = '';
  for (const s of segments) {
    if (arrayIndex.test(s)) out += `[${s}]`;
    else if (plainKey.test(s)) out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/** The field a change belongs to: the path up to its first array index (a list changes as one). */
export function fieldSegments(segments: readonly string[]): string[] {
  const i = segments.findIndex((s) => arrayIndex.test(s));
  return i === -1 ? [...segments] : segments.slice(0, i);
}

export function toPointer(segments: readonly string[]): string {
  let pointer = '';
  for (const s of segments)
    pointer += `/${/[~/]/.test(s) ? s.replaceAll('~', '~0').replaceAll('/', '~1') : s}`;
  return pointer;
}

export function valueAt(document: unknown, segments: readonly string[]): unknown {
  let current: unknown = document;
  for (const s of segments) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[s];
  }
  return current;
}

export function startsWithPointer(pointer: string, prefix: string): boolean {
  return pointer === prefix || pointer.startsWith(`${prefix}/`);
}
