// Bad input of every kind gets a typed error body with the right status, never a stack trace:
// malformed JSON, oversized bodies, unknown routes and fields, wrong types, rate-limited sign-in.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../src/index.ts';
import type { RunningServer } from '../src/index.ts';
import { fastPasswords, sqliteDatabase } from './support/databases.ts';
import type { TestDatabase } from './support/databases.ts';
import { client, fails, signIn } from './support/http.ts';
import type { Session } from './support/http.ts';

describe('HTTP errors', () => {
  let database: TestDatabase;
  let server: RunningServer;
  let admin: Session;
  const logLines: string[] = [];

  beforeAll(async () => {
    database = sqliteDatabase();
    server = await startServer({
      port: 0,
      ...database.location,
      passwordCost: fastPasswords,
      log: (line) => logLines.push(line),
      logFormat: 'text',
    });
    admin = await signIn(
      server.url,
      server.firstAdmin?.email ?? '',
      server.firstAdmin?.password ?? '',
    );
  });
  afterAll(async () => {
    await server.close();
    await database.drop();
  });

  const raw = (path: string, init: RequestInit) => fetch(`${server.url}${path}`, init);
  const asReply = async (response: Response) => {
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: response.status, body, text, headers: response.headers };
  };

  it('answers malformed JSON with 400 INVALID_JSON', async () => {
    const reply = await admin.call('POST', '/api/admin/encryption-policies', '{"name": "x",');
    fails(reply, 400, 'INVALID_JSON');
  });

  it('answers a body over 64 KiB with 413 PAYLOAD_TOO_LARGE', async () => {
    const huge = JSON.stringify({ name: 'Big', description: 'x'.repeat(70 * 1024) });
    fails(
      await admin.call('POST', '/api/admin/encryption-policies', huge),
      413,
      'PAYLOAD_TOO_LARGE',
    );
  });

  it('answers unknown routes and malformed URLs with a typed 404', async () => {
    fails(await admin.call('GET', '/api/nothing-here'), 404, 'NOT_FOUND');
    fails(await admin.call('DELETE', '/api/me'), 404, 'NOT_FOUND');
    fails(
      await asReply(
        await raw('/api/admin/users/%E0%A4%A', {
          headers: { authorization: `Bearer ${admin.token}` },
        }),
      ),
      404,
      'NOT_FOUND',
    );
  });

  it('answers a body that is not JSON with 415', async () => {
    const response = await raw('/api/auth/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'email=a&password=b',
    });
    fails(await asReply(response), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('names every invalid or unknown field by its JSON path', async () => {
    const reply = await admin.call('POST', '/api/admin/users', {
      email: 'not-an-email',
      displayName: '',
      premuim: true,
      role: 'root',
    });
    const error = fails(reply, 400, 'INVALID_INPUT');
    expect(error.fields?.map((f) => f.path).sort()).toEqual([
      '$.displayName',
      '$.email',
      '$.premuim',
      '$.role',
    ]);
    const nested = fails(
      await admin.call('POST', '/api/meetings', {
        subject: 'x',
        options: { recording: 'yes', holograms: true },
      }),
      400,
      'INVALID_INPUT',
    );
    expect(nested.fields?.map((f) => f.path).sort()).toEqual([
      '$.options.holograms',
      '$.options.recording',
    ]);
    const query = fails(await admin.call('GET', '/api/admin/audit?limit=0'), 400, 'INVALID_INPUT');
    expect(query.fields?.map((f) => f.path)).toEqual(['query.limit']);
  });

  it('survives garbage bodies on every route without a 500 or a stack trace', async () => {
    const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const garbage: unknown[] = [
      null,
      [],
      42,
      'text',
      { __proto__: { admin: true } },
      { constructor: { prototype: {} } },
      { name: { $gt: '' }, email: ['a'], options: null, scenario: { users: 'everyone' } },
      JSON.parse('{"__proto__": {"polluted": true}}'),
      { subject: 'x'.repeat(10_000), type: 'meeting', options: { endToEndEncryption: 'true' } },
    ];
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const method of Object.keys(methods)) {
        // Sign-out would end the session the rest of this loop uses.
        if (method === 'get' || path === '/api/auth/sign-out') continue;
        const url = path.replace(/\{\w+\}/g, randomBytes(4).toString('hex'));
        for (const body of garbage) {
          const reply = await admin.call(method.toUpperCase(), url, JSON.stringify(body));
          expect(
            reply.status,
            `${method} ${url} ${JSON.stringify(body)}: ${reply.text}`,
          ).toBeLessThan(500);
          expect(reply.text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
        }
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    const me = await admin.call('GET', '/api/me');
    expect(me.status).toBe(200);
  });

  it('rate-limits failed sign-ins per email with 429 and Retry-After, even for the right password', async () => {
    const email = server.firstAdmin?.email ?? '';
    const anonymous = client(server.url);
    for (let i = 0; i < 10; i += 1) {
      fails(
        await anonymous('POST', '/api/auth/sign-in', { email, password: `wrong-${i}` }),
        401,
        'INVALID_CREDENTIALS',
      );
    }
    const limited = await anonymous('POST', '/api/auth/sign-in', {
      email,
      password: server.firstAdmin?.password,
    });
    fails(limited, 429, 'RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Other accounts are not locked out by one account's failures.
    fails(
      await anonymous('POST', '/api/auth/sign-in', { email: 'nobody@example.com', password: 'x' }),
      401,
      'INVALID_CREDENTIALS',
    );
  });

  it('logs failures by route only: no bodies, passwords or tokens', () => {
    const log = logLines.join('\n');
    expect(log).toContain('status=413');
    expect(log).not.toContain(server.firstAdmin?.password ?? 'unset');
    expect(log).not.toContain(admin.token);
    expect(log).not.toContain('wrong-');
  });
});

describe('sign-in rate limit per client address', () => {
  it('refuses a burst of attempts from one address across emails', async () => {
    const database = sqliteDatabase();
    const server = await startServer({
      port: 0,
      ...database.location,
      passwordCost: fastPasswords,
      log: () => undefined,
      signInLimits: {
        perIp: { limit: 3, windowMs: 60_000 },
        perEmail: { limit: 10, windowMs: 60_000 },
      },
    });
    try {
      const anonymous = client(server.url);
      for (let i = 0; i < 3; i += 1) {
        fails(
          await anonymous('POST', '/api/auth/sign-in', {
            email: `user${i}@example.com`,
            password: 'x',
          }),
          401,
          'INVALID_CREDENTIALS',
        );
      }
      fails(
        await anonymous('POST', '/api/auth/sign-in', { email: 'other@example.com', password: 'x' }),
        429,
        'RATE_LIMITED',
      );
    } finally {
      await server.close();
      await database.drop();
    }
  });
});
