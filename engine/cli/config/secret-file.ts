import { readFile } from 'node:fs/promises';

export type SecretFile =
  | { readonly ok: true; readonly path: string; readonly fields: Record<string, unknown> }
  | { readonly ok: false; readonly error: string };

/**
 * Reads the config Secret file (`cloud-sa.json`). Errors name the file, never its content: a JSON
 * parser's message quotes the text around the fault, and that text may be the API token.
 */
export async function readSecretFile(path: string): Promise<SecretFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    return { ok: false, error: `config Secret file ${path} cannot be read (${code})` };
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return { ok: false, error: `config Secret file ${path} is not valid JSON` };
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    return { ok: false, error: `config Secret file ${path} must hold a JSON object` };
  }
  return { ok: true, path, fields: document as Record<string, unknown> };
}
