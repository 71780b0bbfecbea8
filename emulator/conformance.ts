import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { reducedSpecPath } from './metal-api/reduced.ts';

type Pointer = string;
interface Spec {
  paths: Record<string, Record<string, unknown>>;
}

const escape = (s: string): string => s.replaceAll('~', '~0').replaceAll('/', '~1');

/**
 * Checks bodies against the schemas of the official Metal API description with Ajv. A path
 * template (`/projects/{id}/ips`), a method and a status name the schema; OpenAPI 3.0's
 * `nullable` is Ajv's own keyword, and its numeric formats are accepted as given.
 */
export class Conformance {
  readonly #ajv: Ajv;
  readonly #spec: Spec;
  readonly #compiled = new Map<Pointer, ValidateFunction | null>();

  constructor(path = reducedSpecPath) {
    this.#spec = JSON.parse(readFileSync(path, 'utf8')) as Spec;
    this.#ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats.default(this.#ajv);
    for (const f of ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password', 'string']) {
      this.#ajv.addFormat(f, true);
    }
    this.#ajv.addSchema(this.#spec, 'metal');
  }

  #validator(pointer: Pointer, exists: boolean): ValidateFunction | null {
    if (!this.#compiled.has(pointer)) {
      this.#compiled.set(pointer, exists ? this.#ajv.compile({ $ref: `metal#${pointer}` }) : null);
    }
    return this.#compiled.get(pointer) ?? null;
  }

  #operation(method: string, template: string): Record<string, unknown> {
    const op = this.#spec.paths[template]?.[method.toLowerCase()];
    if (op === undefined) throw new Error(`the Metal API has no ${method} ${template}`);
    return op as Record<string, unknown>;
  }

  #check(validate: ValidateFunction | null, body: unknown, what: string): string[] {
    if (validate === null || validate(body)) return [];
    return (validate.errors ?? [])
      .slice(0, 5)
      .map((e) => `${what}: ${e.instancePath || '(body)'} ${e.message ?? 'is invalid'}`);
  }

  /** Problems of a request body (none when the operation takes none). */
  checkRequest(method: string, template: string, body: unknown): string[] {
    const op = this.#operation(method, template) as {
      requestBody?: { content?: Record<string, unknown> };
    };
    const has = op.requestBody?.content?.['application/json'] !== undefined;
    const pointer = `/paths/${escape(template)}/${method.toLowerCase()}/requestBody/content/application~1json/schema`;
    return this.#check(this.#validator(pointer, has), body, `${method} ${template} request`);
  }

  /** Problems of an error body the API did not declare for that call (an injected 429 or 5xx). */
  checkError(method: string, template: string, status: number, body: unknown): string[] {
    return this.#check(
      this.#validator('/components/schemas/Error', true),
      body,
      `${method} ${template} ${status}`,
    );
  }

  /** Problems of a response body; a status the operation does not declare is one too. */
  checkResponse(method: string, template: string, status: number, body: unknown): string[] {
    const op = this.#operation(method, template) as {
      responses?: Record<string, { content?: Record<string, unknown> }>;
    };
    const response = op.responses?.[String(status)];
    if (response === undefined) return [`${method} ${template}: status ${status} is not declared`];
    const has = response.content?.['application/json'] !== undefined;
    if (!has)
      return body === undefined
        ? []
        : [`${method} ${template} ${status}: the API sends no body here`];
    const pointer = `/paths/${escape(template)}/${method.toLowerCase()}/responses/${status}/content/application~1json/schema`;
    return this.#check(this.#validator(pointer, true), body, `${method} ${template} ${status}`);
  }
}
