import { transformed, z } from '../../../providers/zod.ts';
import { goDuration } from '../component/values.ts';
import { isUuid, type ProjectId } from '../../../model/ids.ts';
import { parseLabelSelector, type LabelSelector } from '../../../model/label-selector.ts';
import { Sensitive } from '../../../model/sensitive.ts';
import type { Parsed } from './load-balancer.ts';

/** A parser of one option's raw value (a flag or variable string, or a JSON value of the Secret). */
export type Parser<T> = (raw: unknown) => Parsed<T>;

function fromSchema<T>(schema: z.ZodMiniType<T>): Parser<T> {
  return (raw) => {
    const result = schema.safeParse(raw);
    return result.success
      ? { ok: true, value: result.data }
      : { ok: false, error: result.error.issues[0]?.message ?? 'invalid' };
  };
}

/** Whole numbers arrive as strings from flags and variables and as numbers from the Secret. */
const wholeNumber = z.union([
  z.number(),
  transformed(z.string().check(z.trim(), z.regex(/^\d+$/, 'not a whole number')), (s) => Number(s)),
]);

/** A whole number within [min, max]. */
const wholeWithin = (min: number, max?: number) =>
  fromSchema(
    z.pipe(
      wholeNumber,
      z.number().check(z.int(), z.minimum(min), ...(max === undefined ? [] : [z.maximum(max)])),
    ),
  );

export const text = fromSchema(z.string());

export const asn = wholeWithin(1, 4294967295);

export const count = wholeWithin(0);

export const atLeastOne = wholeWithin(1);
export const port = wholeWithin(0, 65535);

const truthy = ['1', 't', 'true', 'yes', 'on'];
const falsy = ['0', 'f', 'false', 'no', 'off'];
export const bool = fromSchema(
  z.union([
    z.boolean(),
    transformed(
      z.string().check(
        z.trim(),
        z.toLowerCase(),
        z.refine((s) => truthy.includes(s) || falsy.includes(s), 'not a boolean'),
      ),
      (s) => truthy.includes(s),
    ),
  ]),
);

export const httpUrl = fromSchema(
  transformed(
    z.string().check(
      z.trim(),
      z.refine(
        (s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol),
        'not an http(s) URL',
      ),
    ),
    (s) => s.replace(/\/+$/, ''),
  ),
);

export const projectId = fromSchema(
  transformed(
    z.string().check(z.trim(), z.refine(isUuid, 'not a UUID')),
    (s) => s.toLowerCase() as ProjectId,
  ),
);

/** A file's path (a mounted Secret's key, e.g. `/etc/metal/apiKey`). */
export const filePath = fromSchema(z.string().check(z.trim(), z.minLength(1)));

export const secret = fromSchema(
  transformed(z.string().check(z.minLength(1)), (s) => new Sensitive(s)),
);

/** Metal's rule for a BGP MD5 password: 10–20 letters and digits, mixed case, a digit. */
export const bgpPassword = fromSchema(
  transformed(
    z
      .string()
      .check(
        z.refine(
          (s) =>
            /^[A-Za-z0-9]{10,20}$/.test(s) && /[a-z]/.test(s) && /[A-Z]/.test(s) && /\d/.test(s),
          'not a valid BGP password',
        ),
      ),
    (s) => new Sensitive(s),
  ),
);

export const locationCode = fromSchema(
  z.string().check(z.trim(), z.toLowerCase(), z.regex(/^[a-z0-9]+$/, 'not a location code')),
);

const qualifiedName =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
export const annotationName = fromSchema(
  z.string().check(
    z.trim(),
    z.refine((s) => qualifiedName.test(s) && s.length <= 316, 'not an annotation name'),
  ),
);

/** An annotation name, or upstream's per-peer template of one: `{{n}}` (once) stands for an index. */
export const annotationTemplate = fromSchema(
  z.string().check(
    z.trim(),
    z.refine((s) => s.split('{{n}}').length <= 2, 'more than one {{n}}'),
    z.refine((s) => {
      const name = s.replace('{{n}}', '0');
      return qualifiedName.test(name) && name.length <= 316;
    }, 'not an annotation name'),
  ),
);

/** Go durations (`30s`, `1m30s`, `500ms`), as the flags read them, in milliseconds; a bare number is seconds. */
const durationSchema = transformed(
  z.union([transformed(z.number(), (n) => `${String(n)}s`), z.string().check(z.trim())]),
  (s, payload) => {
    if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
    const read = goDuration(s);
    if (read.ok) return read.value;
    payload.issues.push({ code: 'custom', message: 'not a duration', input: s });
    return z.NEVER;
  },
);

export const anyDuration = fromSchema(
  z.pipe(durationSchema, z.number().check(z.positive('not positive'))),
);

/** `1s`, `5m`, `24h`: a bound of a range as the error names it. */
const shown = (ms: number): string =>
  ms % 3_600_000 === 0
    ? `${String(ms / 3_600_000)}h`
    : ms % 60_000 === 0
      ? `${String(ms / 60_000)}m`
      : `${String(ms / 1000)}s`;

/** A duration within a documented range (timers cannot wait past 2^31−1 ms, about 24 days). */
export const durationBetween = (min: number, max: number): Parser<number> =>
  fromSchema(
    z.pipe(
      durationSchema,
      z
        .number()
        .check(
          z.minimum(min, `shorter than ${shown(min)}`),
          z.maximum(max, `longer than ${shown(max)}`),
        ),
    ),
  );

/** A period of the CCM's own loops: at least a second. */
export const duration = fromSchema(
  z.pipe(durationSchema, z.number().check(z.minimum(1000, 'shorter than 1s'))),
);

export const labelSelector: Parser<LabelSelector> = (raw) =>
  typeof raw === 'string' ? parseLabelSelector(raw) : { ok: false, error: 'not a string' };
