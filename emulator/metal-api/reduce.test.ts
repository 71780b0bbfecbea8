import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { routes } from '../routes.ts';
import { reduce, type OpenApi } from './reduce.ts';
import { reducedSpecPath } from './reduced.ts';

const spec: OpenApi = {
  openapi: '3.0.0',
  info: { title: 'Metal API', version: '1.0.0' },
  paths: {
    '/things/{id}': {
      parameters: [{ $ref: '#/components/parameters/Id' }],
      get: {
        summary: 'Find a thing',
        responses: {
          '200': {
            description: 'ok',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } },
          },
        },
      },
      delete: { responses: { '204': { description: 'gone' } } },
    },
    '/others': { get: { responses: { '200': { $ref: '#/components/schemas/Other' } } } },
  },
  components: {
    parameters: { Id: { in: 'path', name: 'id', required: true, schema: { type: 'string' } } },
    schemas: {
      Thing: {
        type: 'object',
        description: 'A thing',
        properties: {
          description: { type: 'string', description: 'what the user wrote' },
          part: { $ref: '#/components/schemas/Part' },
        },
      },
      Part: { type: 'object', properties: { thing: { $ref: '#/components/schemas/Thing' } } },
      Error: { type: 'object', properties: { error: { type: 'string' } } },
      Other: { type: 'string' },
    },
  },
};

describe('reduce', () => {
  it('keeps the operations asked for and every component they reach, cycles included', () => {
    const reduced = reduce(spec, [{ method: 'GET', template: '/things/{id}' }]);
    expect(Object.keys(reduced.paths)).toEqual(['/things/{id}']);
    expect(Object.keys(reduced.paths['/things/{id}'] ?? {})).toEqual(['parameters', 'get']);
    expect(Object.keys(reduced.components['schemas'] ?? {}).sort()).toEqual([
      'Error',
      'Part',
      'Thing',
    ]);
    expect(Object.keys(reduced.components['parameters'] ?? {})).toEqual(['Id']);
  });

  it('drops prose but not a property that happens to be called description', () => {
    const reduced = reduce(spec, [{ method: 'GET', template: '/things/{id}' }]);
    expect(reduced.components['schemas']?.['Thing']).toEqual({
      type: 'object',
      properties: {
        description: { type: 'string' },
        part: { $ref: '#/components/schemas/Part' },
      },
    });
    expect(JSON.stringify(reduced.paths)).not.toContain('Find a thing');
  });

  it('refuses an operation the description does not have', () => {
    expect(() => reduce(spec, [{ method: 'POST', template: '/things/{id}' }])).toThrow(
      'the Metal API description has no POST /things/{id}',
    );
  });
});

describe('the committed reduced description', () => {
  const committed = JSON.parse(readFileSync(reducedSpecPath, 'utf8')) as OpenApi & {
    'x-provenance': { specVersion: string; fromSha256: string; upstream: string };
  };

  it('holds every operation the emulator serves, under the operationId it counts', () => {
    const missing = routes.filter(
      (r) =>
        (
          committed.paths[r.template]?.[r.method.toLowerCase()] as
            { operationId?: string } | undefined
        )?.operationId !== r.operation,
    );
    // A new route: run `npm run emulator:schema` beside ../shared/metal-api.
    expect(missing.map((r) => `${r.method} ${r.template}`)).toEqual([]);
  });

  it('says where it comes from and which version of the spec', () => {
    expect(committed['x-provenance']).toMatchObject({
      specVersion: committed.info.version,
      fromSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      upstream: expect.stringMatching(/^equinix\/equinix-sdk-go .* at commit [0-9a-f]{40}$/),
    });
  });
});
