// Generates the OpenAPI 3.1 document from the route definitions: the same zod schemas that
// validate requests describe them here (z.toJSONSchema), so the document is never hand-written.
import { errorBodySchema } from '@conclave/protocol';
import { z } from 'zod';
import type { Route } from './route.ts';

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io,
    target: 'draft-2020-12',
    unrepresentable: 'any',
  }) as JsonSchema;
  return rest;
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (schema === undefined) return [];
  const object = jsonSchema(schema, 'input');
  const properties = (object.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((object.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: property,
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
  }));
}

const errorDescriptions: Record<number, string> = {
  400: 'Invalid input; `fields` names each problem by JSON path',
  401: 'Not signed in',
  403: 'Signed in, but not allowed (admin routes)',
  404: 'No such object in your organization',
  409: 'Conflict, or a governance decision refused it (`reasons` says why)',
  413: 'Request body larger than 64 KiB',
  429: 'Too many attempts; see Retry-After',
};

function errorStatuses(route: Route): number[] {
  const statuses = new Set<number>(route.errors);
  if (route.schemas.body !== undefined || route.schemas.query !== undefined) statuses.add(400);
  if (route.schemas.body !== undefined) statuses.add(413);
  if (route.access !== 'public') statuses.add(401);
  if (route.access === 'admin') statuses.add(403);
  if (route.url.includes(':')) statuses.add(404);
  return [...statuses].sort((a, b) => a - b);
}

export function openApiDocument(routes: readonly Route[]): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}');
    const responses: Record<string, JsonSchema> = {
      [String(route.status)]: {
        description: 'Success',
        content: { 'application/json': { schema: jsonSchema(route.schemas.response, 'output') } },
      },
    };
    for (const status of errorStatuses(route)) {
      responses[String(status)] = {
        description: errorDescriptions[status] ?? 'Error',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      };
    }
    const tag = route.url.startsWith('/api/admin/') ? 'admin' : (route.url.split('/')[2] ?? 'misc');
    (paths[path] ??= {})[route.method.toLowerCase()] = {
      summary: route.summary,
      tags: [tag],
      security: route.access === 'public' ? [] : [{ bearer: [] }, { cookie: [] }],
      parameters: [
        ...parameters(route.schemas.params, 'path'),
        ...parameters(route.schemas.query, 'query'),
      ],
      ...(route.schemas.body === undefined
        ? {}
        : {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(route.schemas.body, 'input') } },
            },
          }),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Conclave API',
      version: '0.1.0',
      description:
        'Meetings with end-to-end encryption an organization can govern. Every error is `{ error: { code, message, fields?, reasons? } }`.',
    },
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'Token from POST /api/auth/sign-in',
        },
        cookie: { type: 'apiKey', in: 'cookie', name: 'conclave_session' },
      },
      schemas: { Error: jsonSchema(errorBodySchema, 'output') },
    },
    paths,
  };
}
