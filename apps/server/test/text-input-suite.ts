// Text that a database cannot store faithfully — a NUL character (PostgreSQL refuses it: a 500) or
// an unpaired UTF-16 surrogate (SQLite stores invalid UTF-8) — is refused at validation with a
// typed 400, on every route, in every string of the body, every path parameter and every query
// parameter. The routes and their fields come from /openapi.json, so a new route or field is
// covered or this suite fails. text-input.test.ts runs it on SQLite, text-input.pg.test.ts on
// PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/index.ts';
import { fastPasswords, type TestDatabase } from './support/databases.ts';
import { fails, signIn, type Reply, type Session } from './support/http.ts';

type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  minimum?: number;
};

interface Parameter {
  name: string;
  in: 'path' | 'query';
  schema: Schema;
}

interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  body: Schema | undefined;
}

/** The two kinds of text refused, as JSON strings and as they travel in a URL. */
const badTexts = [
  { name: 'a NUL character', text: 'probe\u0000text', inUrl: 'probe%00text' },
  // A lone surrogate cannot be UTF-8: in a URL it arrives as the bytes a careless encoder makes.
  { name: 'a lone surrogate', text: 'probe\ud800text', inUrl: 'probe%ED%A0%80text' },
] as const;

/** Values the schemas' patterns accept, so that the rest of a request is valid. */
const patternSamples: Record<string, string> = {
  '^[a-z0-9][a-z0-9_-]{0,63}$': 'probe',
  '^[A-Za-z0-9][A-Za-z0-9 ._-]*$': 'Probe',
  '^\\d{1,15}$': '1',
  '^[a-z][a-z0-9.-]{0,63}$': 'meeting',
};

let unique = 0;

/** A value `schema` accepts (as far as this suite needs: the strings the API takes). */
function sample(schema: Schema): unknown {
  if (schema.anyOf?.[0] !== undefined) return sample(schema.anyOf[0]);
  if (schema.enum?.[0] !== undefined) return schema.enum[0];
  switch (schema.type) {
    case 'object':
      return Object.fromEntries(
        (schema.required ?? []).map((name) => [name, sample(schema.properties?.[name] ?? {})]),
      );
    case 'array':
      return [];
    case 'boolean':
      return true;
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'string': {
      unique += 1;
      if (schema.format === 'email') return `probe-${unique}@example.com`;
      if (schema.pattern !== undefined) {
        const known = patternSamples[schema.pattern];
        if (known === undefined) throw new Error(`add a sample for the pattern ${schema.pattern}`);
        return known;
      }
      return `probe ${unique}`.padEnd(schema.minLength ?? 0, 'x');
    }
    default:
      return {};
  }
}

interface Variant {
  /** Where the bad text sits, as the error names it. */
  path: string;
  body: unknown;
}

/** One body per string slot of `schema`: a sample with exactly that slot set to `bad`. */
function variants(schema: Schema, bad: string, at = '$'): Variant[] {
  if (schema.anyOf !== undefined) return schema.anyOf.flatMap((one) => variants(one, bad, at));
  switch (schema.type) {
    case 'string':
      return [{ path: at, body: bad }];
    case 'array':
      return variants(schema.items ?? {}, bad, `${at}[0]`).map((v) => ({ ...v, body: [v.body] }));
    case 'object': {
      const base = sample(schema) as Record<string, unknown>;
      return Object.entries(schema.properties ?? {}).flatMap(([name, property]) =>
        variants(property, bad, `${at}.${name}`).map((v) => ({
          ...v,
          body: { ...base, [name]: v.body },
        })),
      );
    }
    case undefined:
      if (schema.enum !== undefined) return [];
      // Any JSON (a what-if scenario): a bad string anywhere inside, or a bad key.
      return [
        { path: `${at}.probe`, body: { probe: bad } },
        { path: at, body: { [bad]: 1 } },
      ];
    default:
      return [];
  }
}

async function operations(baseUrl: string): Promise<Operation[]> {
  const document = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as {
    paths: Record<
      string,
      Record<
        string,
        {
          parameters: Parameter[];
          requestBody?: { content: { 'application/json': { schema: Schema } } };
        }
      >
    >;
  };
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      parameters: operation.parameters,
      body: operation.requestBody?.content['application/json'].schema,
    })),
  );
}

export function defineTextInputSuite(name: string, database: () => TestDatabase): void {
  describe(`NUL characters and lone surrogates on ${name}`, () => {
    let db: TestDatabase;
    let server: RunningServer;
    let admin: Session;
    let routes: Operation[];
    const logLines: string[] = [];

    beforeAll(async () => {
      db = database();
      server = await startServer({
        port: 0,
        ...db.location,
        passwordCost: fastPasswords,
        log: (line) => logLines.push(line),
        webRoot: false,
      });
      admin = await signIn(
        server.url,
        server.firstAdmin?.email ?? '',
        server.firstAdmin?.password ?? '',
      );
      routes = await operations(server.url);
    });
    afterAll(async () => {
      await server?.close();
      await db?.drop();
    });

    /** The request, as an admin, with the URL sent exactly as written (no re-encoding). */
    async function send(method: string, path: string, body?: unknown): Promise<Reply> {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${admin.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      return { status: response.status, body: parsed, headers: response.headers, text };
    }

    /** A typed 400 INVALID_INPUT (naming `path` when given), never a stack trace. */
    const refusedAt = (reply: Reply, path?: string): boolean => {
      const error = (reply.body as { error?: { code?: string; fields?: { path: string }[] } })
        ?.error;
      return (
        reply.status === 400 &&
        error?.code === 'INVALID_INPUT' &&
        (path === undefined || (error.fields ?? []).some((field) => field.path === path)) &&
        !/\n\s+at |node_modules|\.ts:\d+/.test(reply.text)
      );
    };

    const fill = (operation: Operation, values: Record<string, string> = {}) =>
      operation.path.replace(/\{(\w+)\}/g, (_match, param: string) => values[param] ?? 'probe');

    /** A valid body for the route, so that only the bad text can make it fail. */
    const validBody = (operation: Operation) =>
      operation.body === undefined ? undefined : sample(operation.body);

    it('covers every route, and finds text to try in most of them', () => {
      expect(routes.length).toBeGreaterThan(50);
      const withText = routes.filter(
        (operation) =>
          operation.parameters.length > 0 ||
          (operation.body !== undefined && variants(operation.body, 'x').length > 0),
      );
      expect(withText.length).toBeGreaterThan(40);
    });

    for (const bad of badTexts) {
      it(`refuses ${bad.name} in every string of every request body with a typed 400`, async () => {
        const tried: string[] = [];
        const wrong: string[] = [];
        for (const operation of routes) {
          if (operation.body === undefined) continue;
          for (const variant of variants(operation.body, bad.text)) {
            const where = `${operation.method} ${operation.path} ${variant.path}`;
            tried.push(where);
            const reply = await send(operation.method, fill(operation), variant.body);
            if (!refusedAt(reply, variant.path))
              wrong.push(`${where}: ${reply.status} ${reply.text}`);
          }
        }
        expect(wrong).toEqual([]);
        expect(tried.length).toBeGreaterThan(30);
      });

      it(`refuses ${bad.name} in every path and query parameter with a typed 400`, async () => {
        const tried: string[] = [];
        const wrong: string[] = [];
        for (const operation of routes) {
          for (const parameter of operation.parameters) {
            const where = `${operation.method} ${operation.path} ${parameter.in}.${parameter.name}`;
            tried.push(where);
            const path =
              parameter.in === 'path'
                ? fill(operation, { [parameter.name]: bad.inUrl })
                : `${fill(operation)}?${parameter.name}=${bad.inUrl}`;
            const reply = await send(operation.method, path, validBody(operation));
            if (!refusedAt(reply)) wrong.push(`${where}: ${reply.status} ${reply.text}`);
          }
        }
        expect(wrong).toEqual([]);
        expect(tried.length).toBeGreaterThan(30);
      });
    }

    it('refuses them on sign-in before anyone is signed in', async () => {
      for (const bad of badTexts) {
        for (const body of [
          { email: `probe${bad.text}@example.com`, password: 'correct-horse-battery' },
          { email: 'probe@example.com', password: bad.text },
        ]) {
          const response = await fetch(`${server.url}/api/auth/sign-in`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          });
          const text = await response.text();
          fails(
            { status: response.status, body: JSON.parse(text), headers: response.headers, text },
            400,
            'INVALID_INPUT',
          );
        }
      }
    });

    it('logged no failure while refusing them', () => {
      expect(logLines.filter((line) => / error /.test(line))).toEqual([]);
    });
  });
}
