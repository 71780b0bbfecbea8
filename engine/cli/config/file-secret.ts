import { readFileSync } from 'node:fs';
import { Sensitive } from '../../../model/sensitive.ts';
import type { Parser } from './parsers.ts';

/**
 * A secret read from a file and read again at every use, so a rotated key is used by the next
 * call without a restart. A mounted Secret changes in place by a symlink swap (`..data`), which
 * watching the file's inode would miss; reading by path at each use cannot. The file is small and
 * read when a Metal request is sent (the API key) or once per observation (the BGP password, so
 * planners never read a file). A value that does not read or parse keeps the last good
 * one, and `problem` says why, naming the file and never its content.
 */
export class FileSecret extends Sensitive {
  readonly #path: string;
  readonly #origin: string;
  readonly #parse: Parser<Sensitive>;
  readonly #now: () => Date;
  #value: string;
  #readAt: string;
  #problem: string | undefined;

  private constructor(
    path: string,
    origin: string,
    parse: Parser<Sensitive>,
    value: string,
    now: () => Date,
  ) {
    super(value);
    this.#path = path;
    this.#origin = origin;
    this.#parse = parse;
    this.#now = now;
    this.#value = value;
    this.#readAt = now().toISOString();
  }

  /** The secret in `path`, or why it cannot be used (the file and the reason, not the content). */
  static open(
    path: string,
    origin: string,
    parse: Parser<Sensitive>,
    now: () => Date = () => new Date(),
  ): FileSecret | { readonly error: string } {
    const read = readValue(path, parse);
    if ('error' in read) return read;
    return new FileSecret(path, origin, parse, read.value, now);
  }

  override reveal(): string {
    const read = readValue(this.#path, this.#parse);
    if ('error' in read) this.#problem = read.error;
    else {
      this.#problem = undefined;
      if (read.value !== this.#value) {
        this.#value = read.value;
        this.#readAt = this.#now().toISOString();
      }
    }
    return this.#value;
  }

  override source(): string {
    const problem = this.#problem === undefined ? '' : `; the last read failed: ${this.#problem}`;
    return `file ${this.#path} (${this.#origin}), in use since ${this.#readAt}${problem}`;
  }
}

/** The file's content without its final line break, parsed as the option expects. */
function readValue(
  path: string,
  parse: Parser<Sensitive>,
): { readonly value: string } | { readonly error: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    return { error: `${path} cannot be read (${code})` };
  }
  const parsed = parse(text);
  return parsed.ok ? { value: parsed.value.reveal() } : { error: `${path}: ${parsed.error}` };
}
