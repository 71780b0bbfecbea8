/**
 * A mark: an annotation, label, taint, finalizer, tag, field or condition the CCM reads or writes. Each one is
 * defined once, with its meaning; the code takes its key from the definition and the README its
 * table (`npm run docs:update`), so the two cannot drift.
 */
export interface Mark {
  readonly kind: 'annotation' | 'label' | 'taint' | 'finalizer' | 'tag' | 'field' | 'condition';
  /** The annotation or label name, taint key, finalizer, field path, condition type, or a tag's `key=`. */
  readonly key: string;
  /** The value, when the CCM always writes the same one; a placeholder such as `<hash>` otherwise. */
  readonly value?: string;
  /** What it is on: `Node`, `Service`, `reservation (Metal)`, … */
  readonly on: string;
  readonly use: 'read' | 'written' | 'read and written';
  readonly meaning: string;
  /** The option that renames it; `key` is then its default. */
  readonly option?: string;
}

/** Defines a mark, keeping its literal types (so `key` can be used where a name is expected). */
export const mark = <const M extends Mark>(definition: M): M => definition;
