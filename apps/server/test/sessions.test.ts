// Sessions: cookie for browsers, bearer for the CLI, expiry by the injected clock, sign-out, and a
// password change that ends the user's sessions.
import { meResponseSchema, okSchema, userResponseSchema } from '@conclave/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../src/index.ts';
import type { RunningServer } from '../src/index.ts';
import { fastPasswords, sqliteDatabase } from './support/databases.ts';
import type { TestDatabase } from './support/databases.ts';
import { client, fails, ok, signIn } from './support/http.ts';

describe('sessions', () => {
  let database: TestDatabase;
  let server: RunningServer;
  let clock = Date.parse('2030-01-01T00:00:00Z');
  const hour = 60 * 60 * 1000;

  beforeAll(async () => {
    database = sqliteDatabase();
    server = await startServer({
      port: 0,
      ...database.location,
      passwordCost: fastPasswords,
      log: () => undefined,
      now: () => clock,
      sessionTtlMs: 12 * hour,
    });
  });
  afterAll(async () => {
    await server.close();
    await database.drop();
  });

  const credentials = () => ({
    email: server.firstAdmin?.email ?? '',
    password: server.firstAdmin?.password ?? '',
  });

  it('sets an HttpOnly, SameSite=Strict session cookie (not Secure over plain http) that signs in', async () => {
    const response = await fetch(`${server.url}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(credentials()),
    });
    expect(response.status).toBe(200);
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^conclave_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).not.toContain('Secure');
    const pair = cookie.split(';')[0] ?? '';
    const me = await fetch(`${server.url}/api/me`, { headers: { cookie: pair } });
    expect(me.status).toBe(200);
    const body = meResponseSchema.parse(await me.json());
    expect(body.user.role).toBe('admin');
  });

  it('expires a session at its expiry time', async () => {
    const session = await signIn(server.url, credentials().email, credentials().password);
    clock += 12 * hour - 1;
    ok(await session.call('GET', '/api/me'), meResponseSchema);
    clock += 1;
    fails(await session.call('GET', '/api/me'), 401, 'UNAUTHENTICATED');
  });

  it('ends the session on sign-out', async () => {
    const session = await signIn(server.url, credentials().email, credentials().password);
    ok(await session.call('POST', '/api/auth/sign-out'), okSchema);
    fails(await session.call('GET', '/api/me'), 401, 'UNAUTHENTICATED');
  });

  it("ends a user's sessions when an admin sets a new password", async () => {
    const admin = await signIn(server.url, credentials().email, credentials().password);
    const created = ok(
      await admin.call('POST', '/api/admin/users', {
        email: 'pat@example.com',
        displayName: 'Pat',
      }),
      userResponseSchema,
      201,
    );
    expect(created.password).toMatch(/^[A-Za-z0-9_-]{20}$/);
    const pat = await signIn(server.url, 'pat@example.com', created.password ?? '');
    ok(
      await admin.call('PATCH', `/api/admin/users/${created.user.id}`, {
        password: 'a-new-long-password',
      }),
      userResponseSchema,
    );
    fails(await pat.call('GET', '/api/me'), 401, 'UNAUTHENTICATED');
    fails(
      await client(server.url)('POST', '/api/auth/sign-in', {
        email: 'pat@example.com',
        password: created.password,
      }),
      401,
      'INVALID_CREDENTIALS',
    );
    await signIn(server.url, 'PAT@example.com', 'a-new-long-password');
  });

  it('never lets the last admin be demoted or deleted', async () => {
    const admin = await signIn(server.url, credentials().email, credentials().password);
    fails(
      await admin.call('PATCH', `/api/admin/users/${admin.userId}`, { role: 'user' }),
      409,
      'CONFLICT',
    );
    fails(await admin.call('DELETE', `/api/admin/users/${admin.userId}`), 409, 'CONFLICT');
  });
});
