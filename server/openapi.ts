/**
 * The API's OpenAPI 3.1 description, generated from the same zod schemas the routes validate with
 * (zod 4's z.toJSONSchema), so the document cannot drift from what a route accepts.
 *
 * Each route file declares its routes as RouteDoc values (method, path, zod query/body schemas,
 * summary, who may call, response media types) next to the handlers, and exports them;
 * `openApiDocument` turns a list of them into the document GET /api/openapi.json serves.
 */
import { z } from 'zod';
import { ROLES, type Role } from './auth/principal.ts';

export type Caller = Role | 'public';
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteResponse {
  description: string;
  /** Media types the route answers with for this status (default application/json). */
  mediaTypes?: readonly string[];
  /** The body's schema, where it is worth stating (zod; applied to every media type that is JSON). */
  schema?: z.ZodType;
  headers?: Readonly<Record<string, string>>;
}

export interface RouteDoc {
  method: HttpMethod;
  /** Express-style path: /api/batches/:id. */
  path: string;
  summary: string;
  description?: string;
  tags?: readonly string[];
  /** Who may call it: 'public' (no token) and/or token roles. */
  callers: readonly Caller[];
  query?: z.ZodObject;
  pathParameters?: z.ZodObject;
  body?: { description: string; mediaTypes: readonly string[]; schema?: z.ZodType };
  responses: Readonly<Record<string, RouteResponse>>;
}

export interface ApiInfo {
  title: string;
  version: string;
  description: string;
}

type JsonSchema = Record<string, unknown> & { properties?: Record<string, JsonSchema>; required?: string[] };

/** JSON Schema 2020-12 (OpenAPI 3.1's dialect) of what a caller sends: defaults make a field optional. */
function inputSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function outputSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function parametersOf(schema: z.ZodObject | undefined, location: 'query' | 'path'): object[] {
  if (!schema) return [];
  const json = inputSchema(schema);
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, examples, ...rest } = property as JsonSchema & { description?: string; examples?: unknown[] };
    return {
      name,
      in: location,
      required: location === 'path' || required.has(name),
      ...(description ? { description } : {}),
      schema: rest,
      ...(Array.isArray(examples) && examples.length > 0 ? { example: examples[0] } : {}),
    };
  });
}

/** `/api/batches/:id` → `/api/batches/{id}`. */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

const ERROR_BODY = { $ref: '#/components/schemas/Error' };

function operation(route: RouteDoc): object {
  const isPublic = route.callers.includes('public');
  const responses: Record<string, object> = {};
  for (const [status, response] of Object.entries(route.responses)) {
    // An error's body is the one error shape (errors.ts) unless the route says otherwise.
    const schema = response.schema ? outputSchema(response.schema) : Number(status) >= 400 ? ERROR_BODY : null;
    const content = Object.fromEntries((response.mediaTypes ?? ['application/json']).map((media) => [media, media.includes('json') && schema ? { schema } : {}]));
    responses[status] = {
      description: response.description,
      content,
      ...(response.headers ? { headers: Object.fromEntries(Object.entries(response.headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }])) } : {}),
    };
  }
  // Every /api route authenticates a token when one is sent (a bad one is a 401, never the public).
  const errors: Record<string, string> = {
    '400': 'A parameter or the body is invalid: the message names it and its value.',
    '401': isPublic ? 'A bad or revoked API token was sent.' : 'No token, or a bad or revoked one.',
    ...(isPublic ? {} : { '403': 'The token\'s role may not do this.' }),
    '429': 'Too many requests from this address; wait a minute.',
    '500': 'Internal Server Error (details are in the server log, under the request id).',
  };
  for (const [status, description] of Object.entries(errors)) responses[status] ??= { description, content: { 'application/json': { schema: ERROR_BODY } } };
  return {
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    ...(route.tags ? { tags: route.tags } : {}),
    operationId: `${route.method}${openApiPath(route.path).replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
    parameters: [...parametersOf(route.pathParameters, 'path'), ...parametersOf(route.query, 'query')],
    ...(route.body
      ? {
          requestBody: {
            description: route.body.description,
            required: true,
            content: Object.fromEntries(route.body.mediaTypes.map((media) => [media, route.body!.schema && media.includes('json') ? { schema: inputSchema(route.body!.schema) } : {}])),
          },
        }
      : {}),
    responses,
    // Public routes may also be called with a token (which may change what they return).
    security: isPublic ? [{}, { bearerToken: [] }] : [{ bearerToken: [] }],
    'x-callers': [...route.callers],
    // A strict query schema refuses parameters it does not list (400 naming them).
    ...(route.query ? { 'x-strict-query': inputSchema(route.query).additionalProperties === false } : {}),
  };
}

export function openApiDocument(routes: readonly RouteDoc[], info: ApiInfo): Record<string, unknown> {
  const paths: Record<string, Record<string, object>> = {};
  for (const route of routes) {
    const key = openApiPath(route.path);
    paths[key] ??= {};
    if (paths[key]![route.method]) throw new Error(`route documented twice: ${route.method.toUpperCase()} ${route.path}`);
    paths[key]![route.method] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info,
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: {
      securitySchemes: {
        bearerToken: {
          type: 'http',
          scheme: 'bearer',
          description: `An API token "vgl_<id>_<secret>" with one role: ${ROLES.join(', ')}. Without a token a caller is the public.`,
        },
      },
      schemas: {
        Error: outputSchema(z.object({ error: z.object({ status: z.number().int(), message: z.string(), details: z.unknown().optional(), requestId: z.string().optional().describe('the X-Request-Id, under which the server log has the details') }) })),
      },
    },
  };
}
