// Cross-site request forgery, against the real server: a page on another site cannot use a signed-in
// browser's session cookie to change anything, nor open the realtime socket with it. SameSite is
// not the only guard: every state-changing request carrying the cookie must come from the server's
// own origin (or one listed in CONCLAVE_ALLOWED_ORIGINS). The CLI and the SDK, which send a bearer
// token and no Origin, keep working.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { meResponseSchema, userListSchema, userResponseSchema } from '@conclave/protocol';
import { startServer, type RunningServer } from '../src/index.ts';
import { parseAllowedOrigins } from '../src/http/origin.ts';
import { fastPasswords, sqliteDatabase, type TestDatabase } from './support/databases.ts';
import { fails, ok, signIn, type Reply, type Session } from './support/http.ts';

const evil = 'https://evil.example';
let database: TestDatabase;
let server: RunningServer;
let admin: Session;
let own: string;

beforeAll(async () => {
  database = sqliteDatabase();
  server = await startServer({
    port: 0,
    ...database.location,
    passwordCost: fastPasswords,
    log: () => undefined,
    webRoot: false,
    allowedOrigins: ['https://app.example.com'],
  });
  admin = await signIn(
    server.url,
    server.firstAdmin?.email ?? '',
    server.firstAdmin?.password ?? '',
  );
  own = new URL(server.url).origin;
});
afterAll(async () => {
  await server?.close();
  await database?.drop();
});

/** What a browser sends: the session cookie, and whichever of the site headers `headers` names. */
async function fromBrowser(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<Reply> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      cookie: `conclave_session=${admin.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text === '' ? undefined : JSON.parse(text),
    headers: response.headers,
    text,
  };
}

const newUser = (name: string) => ({ email: `${name}@example.com`, displayName: name });

async function userExists(name: string): Promise<boolean> {
  const users = ok(await admin.call('GET', '/api/admin/users'), userListSchema).users;
  return users.some((user) => user.email === `${name}@example.com`);
}

describe('state-changing requests with the session cookie', () => {
  it('refuses one from another origin with 403 ORIGIN_NOT_ALLOWED, and nothing changes', async () => {
    const reply = await fromBrowser(
      'POST',
      '/api/admin/users',
      { origin: evil },
      newUser('mallory'),
    );
    const error = fails(reply, 403, 'ORIGIN_NOT_ALLOWED');
    expect(error.message).not.toContain(evil);
    expect(await userExists('mallory')).toBe(false);

    // Signing out is a change too: the session survives a forged sign-out.
    fails(
      await fromBrowser('POST', '/api/auth/sign-out', { origin: evil }),
      403,
      'ORIGIN_NOT_ALLOWED',
    );
    fails(
      await fromBrowser('POST', '/api/auth/sign-out', { origin: 'null' }),
      403,
      'ORIGIN_NOT_ALLOWED',
    );
    ok(await admin.call('GET', '/api/me'), meResponseSchema);
  });

  it('refuses one from a sibling site, named only by Sec-Fetch-Site', async () => {
    fails(
      await fromBrowser('DELETE', '/api/admin/users/nobody', { 'sec-fetch-site': 'same-site' }),
      403,
      'ORIGIN_NOT_ALLOWED',
    );
  });

  it('refuses one that says nothing about where it came from', async () => {
    fails(
      await fromBrowser('POST', '/api/admin/users', {}, newUser('silent')),
      403,
      'ORIGIN_NOT_ALLOWED',
    );
    fails(
      await fromBrowser('POST', '/api/admin/users', { referer: `${evil}/page` }, newUser('silent')),
      403,
      'ORIGIN_NOT_ALLOWED',
    );
    expect(await userExists('silent')).toBe(false);
  });

  it('accepts one from the server’s own pages', async () => {
    ok(
      await fromBrowser('POST', '/api/admin/users', { origin: own }, newUser('origin')),
      userResponseSchema,
      201,
    );
    ok(
      await fromBrowser(
        'POST',
        '/api/admin/users',
        { 'sec-fetch-site': 'same-origin' },
        newUser('fetchsite'),
      ),
      userResponseSchema,
      201,
    );
    ok(
      await fromBrowser(
        'POST',
        '/api/admin/users',
        { referer: `${own}/admin/users` },
        newUser('referer'),
      ),
      userResponseSchema,
      201,
    );
    for (const name of ['origin', 'fetchsite', 'referer'])
      expect(await userExists(name)).toBe(true);
  });

  it('accepts one from an origin in CONCLAVE_ALLOWED_ORIGINS', async () => {
    ok(
      await fromBrowser(
        'POST',
        '/api/admin/users',
        { origin: 'https://app.example.com' },
        newUser('allowed'),
      ),
      userResponseSchema,
      201,
    );
  });

  it('lets reads through from anywhere: they change nothing', async () => {
    expect((await fromBrowser('GET', '/api/me', { origin: evil })).status).toBe(200);
  });
});

describe('clients that send a bearer token', () => {
  it('keep working without an Origin (the CLI, the SDK, scripts)', async () => {
    ok(await admin.call('POST', '/api/admin/users', newUser('cli')), userResponseSchema, 201);
    // Signing in sends no credential at all.
    await signIn(server.url, server.firstAdmin?.email ?? '', server.firstAdmin?.password ?? '');
  });

  it('are refused too when they claim a foreign Origin', async () => {
    const response = await fetch(`${server.url}/api/admin/users`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${admin.token}`,
        origin: evil,
        'content-type': 'application/json',
      },
      body: JSON.stringify(newUser('bearer-evil')),
    });
    expect(response.status).toBe(403);
    expect(await userExists('bearer-evil')).toBe(false);
  });
});

describe('the realtime socket', () => {
  /** The HTTP status the upgrade got: 101 when the socket opened. */
  function upgrade(headers: Record<string, string>): Promise<number> {
    const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/api/realtime`, { headers });
    return new Promise((resolve, reject) => {
      ws.once('open', () => {
        ws.close();
        resolve(101);
      });
      ws.once('unexpected-response', (request, response) => {
        resolve(response.statusCode ?? 0);
        request.destroy();
      });
      ws.once('error', reject);
    });
  }
  const cookie = () => `conclave_session=${admin.token}`;

  it('refuses an upgrade from another origin', async () => {
    expect(await upgrade({ cookie: cookie(), origin: evil })).toBe(403);
    expect(await upgrade({ origin: evil })).toBe(403);
  });

  it('accepts one from its own origin, an allowed one, and a client that sends no Origin (SDK)', async () => {
    expect(await upgrade({ cookie: cookie(), origin: own })).toBe(101);
    expect(await upgrade({ cookie: cookie(), origin: 'https://app.example.com' })).toBe(101);
    expect(await upgrade({})).toBe(101);
  });
});

describe('behind a reverse proxy', () => {
  /** A forged change as a proxy forwards it: the public host only in X-Forwarded-Host. */
  async function throughProxy(url: string, name: string): Promise<number> {
    const response = await fetch(`${url}/api/admin/users`, {
      method: 'POST',
      headers: {
        cookie: `conclave_session=${admin.token}`,
        'content-type': 'application/json',
        'x-forwarded-host': 'meet.example.com',
        'x-forwarded-proto': 'https',
        origin: 'https://meet.example.com',
      },
      body: JSON.stringify(newUser(name)),
    });
    return response.status;
  }

  it('takes its own host from X-Forwarded-Host only from a trusted proxy', async () => {
    // This server trusts no proxy: the header is anyone's word, and the Origin is foreign.
    expect(await throughProxy(server.url, 'untrusted-proxy')).toBe(403);
    const proxied = await startServer({
      port: 0,
      ...database.location,
      passwordCost: fastPasswords,
      log: () => undefined,
      webRoot: false,
      trustedProxies: ['127.0.0.1'],
    });
    try {
      expect(await throughProxy(proxied.url, 'trusted-proxy')).toBe(201);
    } finally {
      await proxied.close();
    }
    expect(await userExists('untrusted-proxy')).toBe(false);
  });
});

describe('CONCLAVE_ALLOWED_ORIGINS', () => {
  it('reads a comma-separated list of origins', () => {
    expect(parseAllowedOrigins(undefined)).toEqual([]);
    expect(parseAllowedOrigins(' https://a.example.com , http://b.example.com:8443/ ')).toEqual([
      'https://a.example.com',
      'http://b.example.com:8443',
    ]);
  });

  it('refuses anything that is not an origin, with a clear error', () => {
    for (const bad of ['a.example.com', 'https://a.example.com/path', 'ftp://a.example.com', '*']) {
      expect(() => parseAllowedOrigins(bad)).toThrow(/CONCLAVE_ALLOWED_ORIGINS/);
    }
  });
});
