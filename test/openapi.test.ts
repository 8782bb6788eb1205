/**
 * GET /api/openapi.json: an OpenAPI 3.1 document generated from the routes' own zod schemas
 * (server/openapi.ts). Its shape is checked, and every documented query parameter is sent to its
 * route with each documented value (enum members, examples, defaults): none may be refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createToken } from '../pipeline/store/tokens.ts';
import { openApiDocument, openApiPath, type RouteDoc } from '../server/openapi.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const SAMPLE = new URL('../fixtures/samples/certificates-small.csv', import.meta.url).pathname;

interface Parameter {
  name: string;
  in: string;
  required: boolean;
  description?: string;
  example?: unknown;
  schema: { type?: string; enum?: unknown[]; default?: unknown; pattern?: string; examples?: unknown[] };
}

type Operation = { summary: string; parameters: Parameter[]; responses: Record<string, { description: string; content?: Record<string, unknown> }>; security: unknown[]; 'x-callers': string[]; 'x-strict-query'?: boolean };

let server: TestServer;
let admin: string;
let document: { openapi: string; info: Record<string, string>; jsonSchemaDialect: string; paths: Record<string, Record<string, Operation>>; components: Record<string, Record<string, unknown>> };
beforeAll(async () => {
  server = await startTestServer({ demo: false });
  await server.runtime.ingest.ingestFile(SAMPLE, { source: 'cli' });
  ({ token: admin } = await createToken(server.runtime.db.connection, { name: 'openapi test', role: 'admin', createdBy: 'test' }));
  const response = await fetch(new URL('/api/openapi.json', server.url));
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  document = (await response.json()) as typeof document;
}, 120_000);
afterAll(() => server.close());

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 with info, paths, JSON Schema 2020-12 and the bearer token scheme', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.jsonSchemaDialect).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(document.info).toMatchObject({ title: 'vigil', version: expect.any(String), description: expect.any(String) });
    expect(document.components.securitySchemes).toMatchObject({ bearerToken: { type: 'http', scheme: 'bearer' } });
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/api/aggregates', '/api/meta', '/api/openapi.json']));
    for (const [path, operations] of Object.entries(document.paths)) {
      expect(path).toMatch(/^\/api\//);
      for (const [method, operation] of Object.entries(operations)) {
        expect(['get', 'post', 'put', 'patch', 'delete']).toContain(method);
        expect(operation.summary.length).toBeGreaterThan(10);
        expect(operation.responses['200'] ?? operation.responses['201'] ?? operation.responses['202']).toBeDefined();
        expect(operation.responses['400']).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
        expect(operation['x-callers'].length).toBeGreaterThan(0);
        for (const parameter of operation.parameters) {
          expect(parameter).toMatchObject({ name: expect.any(String), in: expect.stringMatching(/^(query|path)$/), required: expect.any(Boolean), schema: expect.any(Object) });
        }
      }
    }
  });

  it('describes GET /api/aggregates from its zod schema: parameters, media types, who may call', () => {
    const aggregates = document.paths['/api/aggregates']!.get!;
    const byName = new Map(aggregates.parameters.map((p) => [p.name, p]));
    expect([...byName.keys()]).toEqual(['source', 'measure', 'geography', 'state', 'unit', 'by', 'from', 'to', 'format']);
    expect(byName.get('unit')!.schema).toMatchObject({ type: 'string', enum: ['day', 'week', 'month', 'year', '12mo', 'total'], default: 'month' });
    expect(byName.get('state')!.schema).toMatchObject({ type: 'string', pattern: '^\\d{2}$' });
    expect(byName.get('by')!).toMatchObject({ required: false, schema: { enum: ['age_group', 'sex'] } });
    expect(byName.get('from')!.description).toMatch(/month/);
    expect(Object.keys(aggregates.responses['200']!.content!)).toEqual(['application/json', 'application/vnd.apache.arrow.stream', 'text/csv', 'application/vnd.apache.parquet']);
    expect(aggregates['x-callers']).toEqual(['public', 'admin', 'uploader', 'coder', 'epidemiologist']);
    expect(aggregates.security).toEqual([{}, { bearerToken: [] }]);
    expect(aggregates['x-strict-query']).toBe(true);
  });

  it('documents only parameters the routes accept: every enum member, example and default', async () => {
    let requests = 0;
    for (const [path, operations] of Object.entries(document.paths)) {
      const get = operations.get;
      if (!get || path.includes('{')) continue;
      // A route for token holders is called as an admin (who may call every route).
      const init: RequestInit = get['x-callers'].includes('public') ? {} : { headers: { authorization: `Bearer ${admin}` } };
      for (const parameter of get.parameters.filter((p) => p.in === 'query')) {
        const values = new Set<unknown>([...(parameter.schema.enum ?? []), parameter.example, parameter.schema.default].filter((v) => v !== undefined));
        expect(values.size, `${path} ${parameter.name} has no documented value to try`).toBeGreaterThan(0);
        for (const value of values) {
          const url = new URL(path, server.url);
          url.searchParams.set(parameter.name, String(value));
          const response = await fetch(url, init);
          requests++;
          const text = await response.text();
          expect(response.status, `${url.pathname}${url.search}: ${text.slice(0, 200)}`).toBeLessThan(400);
        }
      }
      // And where the query schema is strict, an undocumented parameter is refused, naming it.
      if (get['x-strict-query'] !== true) continue;
      const response = await fetch(new URL(`${path}?undocumented=1`, server.url), init);
      expect(response.status, path).toBe(400);
      expect(((await response.json()) as { error: { message: string } }).error.message).toContain('undocumented');
    }
    expect(requests).toBeGreaterThan(20);
  }, 120_000);
});

describe('openApiDocument', () => {
  const route: RouteDoc = {
    method: 'get',
    path: '/api/batches/:id',
    summary: 'One batch and its report',
    callers: ['admin', 'uploader'],
    pathParameters: z.strictObject({ id: z.string().regex(/^b\d{14}-[0-9a-f]{8}$/) }),
    responses: { '200': { description: 'the report', schema: z.object({ batchId: z.string() }) } },
  };

  it('turns Express paths and zod schemas into OpenAPI operations', () => {
    expect(openApiPath('/api/batches/:id/errors.csv')).toBe('/api/batches/{id}/errors.csv');
    const doc = openApiDocument([route], { title: 't', version: '1', description: 'd' }) as { paths: Record<string, Record<string, Operation>> };
    const operation = doc.paths['/api/batches/{id}']!.get!;
    expect(operation.parameters).toEqual([{ name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^b\\d{14}-[0-9a-f]{8}$' } }]);
    expect(operation.security).toEqual([{ bearerToken: [] }]);
    expect(Object.keys(operation.responses).sort()).toEqual(['200', '400', '401', '403', '429', '500']);
    expect(operation.responses['200']!.content).toEqual({ 'application/json': { schema: { type: 'object', properties: { batchId: { type: 'string' } }, required: ['batchId'], additionalProperties: false } } });
  });

  it('refuses a route documented twice', () => {
    expect(() => openApiDocument([route, route], { title: 't', version: '1', description: 'd' })).toThrow('route documented twice: GET /api/batches/:id');
  });
});
