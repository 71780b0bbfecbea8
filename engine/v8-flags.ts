/**
 * V8 favours a small heap over speed: it grows the heap less between collections and gives memory
 * back sooner (measured idle: 113 → 102 MB of RSS at 20 nodes / 50 Services, 137 → 121 MB at
 * 100 / 500). NODE_OPTIONS does not take this V8 flag, so main sets it before the CLI's modules
 * load; the planning benchmark runs with it too.
 */
export const v8Flags = '--optimize-for-size';
