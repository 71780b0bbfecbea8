import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A Secret volume as the kubelet keeps it in `dir`: the content in a new timestamped folder,
 * `..data` swapped to it by a rename, each key a symlink through `..data` that never changes
 * itself. Call again with the next generation to update it in place, as a Secret edit does.
 */
export function mountSecret(dir: string, generation: number, fields: Record<string, string>): void {
  const folder = join(dir, `..2026_11_30_${String(generation)}`);
  mkdirSync(folder);
  for (const [key, value] of Object.entries(fields)) writeFileSync(join(folder, key), value);
  symlinkSync(folder, join(dir, '..data_tmp'));
  renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
  if (generation === 1)
    for (const key of Object.keys(fields)) symlinkSync(join('..data', key), join(dir, key));
}
