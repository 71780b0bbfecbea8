import { byText } from '../../model/order.ts';

/** JSON with object keys sorted, so a rendered plan does not depend on key order. */
export function stableJson(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) =>
      v !== null && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(
            Object.entries(v as Record<string, unknown>).sort(([a], [b]) => byText(a, b)),
          )
        : v,
    indent,
  );
}
