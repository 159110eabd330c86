// /openapi.json is generated from the same zod schemas that validate requests: every route is
// there, with its request schema, and the schema refuses what the server refuses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../src/index.ts';
import type { RunningServer } from '../src/index.ts';
import { allRoutes } from '../src/routes/index.ts';
import { defaultSignInLimits } from '../src/context.ts';
import type { AppContext } from '../src/context.ts';
import { fastPasswords, sqliteDatabase } from './support/databases.ts';
import type { TestDatabase } from './support/databases.ts';

interface Operation {
  security: unknown[];
  parameters: { name: string; in: string }[];
  requestBody?: { content: { 'application/json': { schema: Record<string, unknown> } } };
  responses: Record<string, unknown>;
}

describe('/openapi.json', () => {
  let database: TestDatabase;
  let server: RunningServer;
  let document: { openapi: string; paths: Record<string, Record<string, Operation>> };

  beforeAll(async () => {
    database = sqliteDatabase();
    server = await startServer({
      port: 0,
      ...database.location,
      passwordCost: fastPasswords,
      log: () => undefined,
    });
    document = (await (await fetch(`${server.url}/openapi.json`)).json()) as typeof document;
  });
  afterAll(async () => {
    await server.close();
    await database.drop();
  });

  it('is OpenAPI 3.1 and lists every route the server registers', () => {
    expect(document.openapi).toBe('3.1.0');
    // Listing the route table needs no storage: only what route groups read when built.
    const routes = allRoutes({ signInLimits: defaultSignInLimits, now: Date.now } as AppContext);
    const listed = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const registered = routes.map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`);
    expect(listed.sort()).toEqual(registered.sort());
  });

  it('documents request bodies, path parameters, auth and error answers', () => {
    const schedule = document.paths['/api/meetings']?.post;
    const body = schedule?.requestBody?.content['application/json'].schema as {
      properties: Record<string, { properties?: Record<string, unknown> }>;
      required: string[];
      additionalProperties: boolean;
    };
    expect(body.required).toEqual(['subject']);
    expect(body.additionalProperties).toBe(false);
    // E2EE, who may enter, and the twelve options E2EE rules out.
    expect(Object.keys(body.properties.options?.properties ?? {})).toHaveLength(14);
    expect(body.properties.options?.properties).toHaveProperty('onlyInvited');
    expect(Object.keys(schedule?.responses ?? {})).toEqual(
      expect.arrayContaining(['201', '400', '401', '409', '413']),
    );

    const user = document.paths['/api/admin/users/{id}']?.patch;
    expect(user?.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path' })]);
    expect(Object.keys(user?.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '401', '403', '404']),
    );
    expect(document.paths['/healthz']?.get?.security).toEqual([]);
    expect(document.paths['/api/admin/audit']?.get?.parameters.map((p) => p.name).sort()).toEqual([
      'before',
      'from',
      'kind',
      'limit',
      'to',
    ]);
  });

  it('offers no way to change or delete audit entries', () => {
    const audit = Object.entries(document.paths).filter(([path]) => path.includes('audit'));
    // Reading a page, and downloading the export: nothing else.
    expect(audit.map(([path]) => path)).toEqual(['/api/admin/audit', '/api/admin/audit/export']);
    expect(audit.flatMap(([, methods]) => Object.keys(methods))).toEqual(['get', 'get']);
  });
});
