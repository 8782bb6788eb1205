/**
 * GET /api/openapi.json: one OpenAPI 3.1 document of every route, generated from the routes' own
 * zod schemas (server/openapi.ts). Every route the app registers (walked as the authorization
 * matrix walks them) must be in it with the parameters its zod schemas give, and nothing else;
 * every documented query parameter is sent to its route with each documented value (enum
 * members, examples, defaults), and none may be refused; a value outside an enum, or a parameter
 * the document does not list, must be.
 */
import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createToken } from '../pipeline/store/tokens.ts';
import { API_ROUTES, createApp } from '../server/app.ts';
import { openApiDocument, openApiPath, type RouteDoc } from '../server/openapi.ts';
import { OPENAPI_ROUTES } from '../server/routes/openapi.ts';
import { registeredRoutes } from './helpers/routes.ts';
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

/**
 * What the document cannot say yet because the route files that describe these routes are other
 * engineers' (named per line). A gap that is closed fails the test until its line is removed.
 */
const KNOWN_GAPS = {
  /** Routes whose RouteDoc has no query schema (so an unknown parameter is not refused, or not documented as such). */
  noQuerySchema: [] as string[],
  /** Query parameters with no example, enum or default to try. */
  noValue: ['/api/clusters run', '/api/concordance run'], // a run id exists only once detection has run: no example can be valid everywhere
  /** Documented values refused alone, because they need another parameter. */
  needsAnother: ['/api/combinations geography=county', '/api/combinations place=39'], // county tables need a place; a place needs geography=state or county (server/routes/combinations.ts)
};

let server: TestServer;
let app: Express;
let admin: string;
let document: { openapi: string; info: Record<string, string>; jsonSchemaDialect: string; paths: Record<string, Record<string, Operation>>; components: Record<string, Record<string, unknown>> };
beforeAll(async () => {
  server = await startTestServer({ demo: false });
  app = await createApp({ ...server.runtime, dashboardDir: null });
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

  it('describes every route the app registers, and no route it does not', () => {
    const registered = registeredRoutes(app);
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, ':$1')}`),
    );
    expect(registered.filter((route) => !documented.includes(route)), 'routes missing from the OpenAPI document').toEqual([]);
    expect(documented.filter((route) => !registered.includes(route)), 'documented routes the app does not have').toEqual([]);
    expect(registered.length).toBeGreaterThanOrEqual(35);
    // Every :param of an Express path is a path parameter of its operation.
    for (const route of registered) {
      const [method, path] = route.split(' ') as [string, string];
      const operation = document.paths[openApiPath(path)]![method.toLowerCase()]!;
      const names = [...path.matchAll(/:([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]);
      expect(operation.parameters.filter((p) => p.in === 'path').map((p) => p.name), route).toEqual(names);
    }
  });

  it("derives each operation's parameters from its route's zod schemas", () => {
    const routes: readonly RouteDoc[] = [...API_ROUTES, ...OPENAPI_ROUTES];
    const withoutQuery: string[] = [];
    for (const route of routes) {
      const name = `${route.method.toUpperCase()} ${route.path}`;
      const operation = document.paths[openApiPath(route.path)]![route.method]!;
      for (const [location, schema] of [['query', route.query], ['path', route.pathParameters]] as const) {
        const fields = schema ? (z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, Record<string, unknown>> }).properties ?? {} : {};
        const parameters = operation.parameters.filter((p) => p.in === location);
        expect(parameters.map((p) => p.name), `${name} ${location} parameters`).toEqual(Object.keys(fields));
        for (const parameter of parameters) {
          const { description: _d, examples: _e, ...field } = fields[parameter.name]!;
          expect(parameter.schema, `${name} ${parameter.name}`).toEqual(field);
        }
      }
      if (!route.query) withoutQuery.push(name);
      else expect(operation['x-strict-query'], `${name}: its query schema is strict`).toBe(true);
    }
    expect(withoutQuery.sort()).toEqual([...KNOWN_GAPS.noQuerySchema].sort());
  });

  it('documents only parameters the routes accept: every enum member, example and default; refuses others', async () => {
    let requests = 0;
    const noValue: string[] = [];
    const needsAnother: string[] = [];
    for (const [path, operations] of Object.entries(document.paths)) {
      const get = operations.get;
      if (!get || path.includes('{')) continue;
      // Called as an admin, who may call every route with every value (the public's own limits,
      // such as no days or weeks below the nation, are tested with the routes).
      const init: RequestInit = { headers: { authorization: `Bearer ${admin}` } };
      const query = get.parameters.filter((p) => p.in === 'query');
      // Required parameters are always sent, with their example.
      const base = Object.fromEntries(query.filter((p) => p.required).map((p) => [p.name, String(p.example)]));
      const send = async (parameters: Record<string, string>) => {
        const url = new URL(path, server.url);
        for (const [name, value] of Object.entries({ ...base, ...parameters })) url.searchParams.set(name, value);
        const response = await fetch(url, init);
        requests++;
        return { url: `${url.pathname}${url.search}`, status: response.status, text: await response.text() };
      };
      for (const parameter of query) {
        const values = new Set<unknown>([...(parameter.schema.enum ?? []), parameter.example, parameter.schema.default].filter((v) => v !== undefined));
        if (values.size === 0) noValue.push(`${path} ${parameter.name}`);
        for (const value of values) {
          const answer = await send({ [parameter.name]: String(value) });
          if (answer.status === 400 && KNOWN_GAPS.needsAnother.includes(`${path} ${parameter.name}=${value}`)) {
            needsAnother.push(`${path} ${parameter.name}=${value}`);
            continue;
          }
          expect(answer.status, `${answer.url}: ${answer.text.slice(0, 200)}`).toBeLessThan(400);
        }
        // A value outside a documented enum is refused, naming the parameter: the enum is the one enforced.
        if (parameter.schema.enum) {
          const answer = await send({ [parameter.name]: 'not-a-member' });
          expect(answer.status, answer.url).toBe(400);
          expect(answer.text, answer.url).toContain(`invalid ${parameter.name}`);
        }
      }
      // And where the query schema is strict, an undocumented parameter is refused, naming it.
      if (get['x-strict-query'] !== true) continue;
      const answer = await send({ undocumented: '1' });
      expect(answer.status, path).toBe(400);
      expect((JSON.parse(answer.text) as { error: { message: string } }).error.message).toContain('undocumented');
    }
    expect(noValue.sort(), 'parameters without a documented value to try').toEqual([...KNOWN_GAPS.noValue].sort());
    expect(needsAnother.sort()).toEqual([...KNOWN_GAPS.needsAnother].sort());
    expect(requests).toBeGreaterThan(150);
  }, 300_000);
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
