import { flag } from './flag.ts';

/** component-base's logging flags. */
export const loggingFlags = {
  v: flag('int', 'log verbosity', {
    default: '0',
    short: 'v',
    effect: 'log verbosity: 0–1 info, 2–4 debug (Metal calls and results), 5 and up trace',
  }),
  vmodule: flag('string', 'verbosity per file (pattern=N,…)'),
  'logging-format': flag('string', 'the log format', {
    default: 'text',
    effect: '`text` (klog’s header and key=value pairs) or `json` (one object per line)',
  }),
  'log-flush-frequency': flag('duration', 'longest time between log flushes', { default: '5s' }),
  'log-json-info-buffer-size': flag('string', 'buffer of the JSON info stream'),
  'log-json-split-stream': flag('bool', 'JSON errors to stderr, info to stdout'),
  'log-text-info-buffer-size': flag('string', 'buffer of the text info stream'),
  'log-text-split-stream': flag('bool', 'text errors to stderr, info to stdout'),
} as const;
