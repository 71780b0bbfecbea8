import { z } from 'zod';
import { goDuration } from '../component/values.ts';
import { isUuid, type ProjectId } from '../../../model/ids.ts';
import { parseLabelSelector, type LabelSelector } from '../../../model/label-selector.ts';
import { Sensitive } from '../../../model/sensitive.ts';
import type { Parsed } from './load-balancer.ts';

/** A parser of one option's raw value (a flag or variable string, or a JSON value of the Secret). */
export type Parser<T> = (raw: unknown) => Parsed<T>;

function fromSchema<T>(schema: z.ZodType<T>): Parser<T> {
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
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'not a whole number')
    .transform((s) => Number(s)),
]);

export const text = fromSchema(z.string());

export const asn = fromSchema(wholeNumber.pipe(z.number().int().min(1).max(4294967295)));

export const count = fromSchema(wholeNumber.pipe(z.number().int().min(0)));

export const atLeastOne = fromSchema(wholeNumber.pipe(z.number().int().min(1)));
export const port = fromSchema(wholeNumber.pipe(z.number().int().min(0).max(65535)));

const truthy = ['1', 't', 'true', 'yes', 'on'];
const falsy = ['0', 'f', 'false', 'no', 'off'];
export const bool = fromSchema(
  z.union([
    z.boolean(),
    z
      .string()
      .trim()
      .toLowerCase()
      .refine((s) => truthy.includes(s) || falsy.includes(s), 'not a boolean')
      .transform((s) => truthy.includes(s)),
  ]),
);

export const httpUrl = fromSchema(
  z
    .string()
    .trim()
    .refine((s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol), 'not an http(s) URL')
    .transform((s) => s.replace(/\/+$/, '')),
);

export const projectId = fromSchema(
  z
    .string()
    .trim()
    .refine(isUuid, 'not a UUID')
    .transform((s) => s.toLowerCase() as ProjectId),
);

/** A file's path (a mounted Secret's key, e.g. `/etc/metal/apiKey`). */
export const filePath = fromSchema(z.string().trim().min(1));

export const secret = fromSchema(
  z
    .string()
    .min(1)
    .transform((s) => new Sensitive(s)),
);

/** Metal's rule for a BGP MD5 password: 10–20 letters and digits, mixed case, a digit. */
export const bgpPassword = fromSchema(
  z
    .string()
    .refine(
      (s) => /^[A-Za-z0-9]{10,20}$/.test(s) && /[a-z]/.test(s) && /[A-Z]/.test(s) && /\d/.test(s),
      'not a valid BGP password',
    )
    .transform((s) => new Sensitive(s)),
);

export const locationCode = fromSchema(
  z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9]+$/, 'not a location code'),
);

const qualifiedName =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
export const annotationName = fromSchema(
  z
    .string()
    .trim()
    .refine((s) => qualifiedName.test(s) && s.length <= 316, 'not an annotation name'),
);

/** An annotation name, or upstream's per-peer template of one: `{{n}}` (once) stands for an index. */
export const annotationTemplate = fromSchema(
  z
    .string()
    .trim()
    .refine((s) => s.split('{{n}}').length <= 2, 'more than one {{n}}')
    .refine((s) => {
      const name = s.replace('{{n}}', '0');
      return qualifiedName.test(name) && name.length <= 316;
    }, 'not an annotation name'),
);

/** Go durations (`30s`, `1m30s`, `500ms`), as the flags read them, in milliseconds; a bare number is seconds. */
const durationSchema = z
  .union([z.number().transform((n) => `${String(n)}s`), z.string().trim()])
  .transform((s, ctx) => {
    if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
    const read = goDuration(s);
    if (read.ok) return read.value;
    ctx.addIssue({ code: 'custom', message: 'not a duration' });
    return z.NEVER;
  });

export const anyDuration = fromSchema(durationSchema.pipe(z.number().positive('not positive')));

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
    durationSchema.pipe(
      z
        .number()
        .min(min, `shorter than ${shown(min)}`)
        .max(max, `longer than ${shown(max)}`),
    ),
  );

/** A period of the CCM's own loops: at least a second. */
export const duration = fromSchema(durationSchema.pipe(z.number().min(1000, 'shorter than 1s')));

export const labelSelector: Parser<LabelSelector> = (raw) =>
  typeof raw === 'string' ? parseLabelSelector(raw) : { ok: false, error: 'not a string' };
