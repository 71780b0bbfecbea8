import type { OptionSpec } from './options.ts';
import * as parse from './parsers.ts';

const option = <T>(spec: OptionSpec<T>): OptionSpec<T> => spec;

/** How long the CCM waits for the Metal API: one request, and one whole observation. */
export const metalIoOptions = {
  metalRequestTimeout: option({
    description:
      'Deadline of one Metal API request, from sending it to the last byte of the answer (a slow or trickling answer is cut there, and retried when safe)',
    flag: 'metal-request-timeout',
    env: ['METAL_REQUEST_TIMEOUT'],
    secret: ['metalRequestTimeout'],
    default: 30_000,
    defaultText: '`30s`',
    expected: 'a duration from 1s to 5m such as `30s`',
    parse: parse.durationBetween(1000, 300_000),
  }),
  metalObservationTimeout: option<number | undefined>({
    description:
      'Deadline of one observation of the Metal project: every call, retry and rate-limit pause of it; past it the loop plans nothing',
    flag: 'metal-observation-timeout',
    env: ['METAL_OBSERVATION_TIMEOUT'],
    secret: ['metalObservationTimeout'],
    defaultText: 'the sync period',
    expected: 'a duration from 1s to 24h such as `1m`',
    parse: parse.durationBetween(1000, 86_400_000),
  }),
} as const;
