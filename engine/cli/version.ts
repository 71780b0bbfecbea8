import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's package.json: above the sources (`engine/`) or the build (`dist/`). */
async function packageJson(): Promise<{ name: string; version: string }> {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const found = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (found.name === 'equinix-metal-ccm')
        return { name: found.name, version: found.version ?? '0.0.0' };
    } catch {
      // not here: one folder up
    }
    const up = dirname(dir);
    if (up === dir) return { name: 'equinix-metal-ccm', version: '0.0.0' };
    dir = up;
  }
}

/** `--version` as upstream prints it (one line), or `--version=raw` (the details, as JSON). */
export async function versionText(raw: boolean): Promise<string> {
  const { name, version } = await packageJson();
  if (!raw) return `${name} v${version}\n`;
  return `${JSON.stringify({ name, version: `v${version}`, node: process.version, platform: `${process.platform}/${process.arch}` })}\n`;
}
