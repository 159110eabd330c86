// Sign-in limiting (issue 9, item 6) against a real server: an attempt is counted before the
// password check, so a parallel burst cannot outrun the limit; an account under attack stays open
// to its owner on a device that signed in before; an admin can lift the limit; and a client
// address comes from X-Forwarded-For only when the request came through a trusted proxy.
import { auditListSchema, okSchema, userResponseSchema } from '@conclave/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapAdmin, startServer } from '../src/index.ts';
import type { StartServerOptions } from '../src/index.ts';
import { defaultCost } from '../src/identity/passwords.ts';
import { fastPasswords, sqliteDatabase } from './support/databases.ts';
import { fails, ok, signIn } from './support/http.ts';
import type { Reply, Session } from './support/http.ts';

interface Attempt {
  email: string;
  password: string;
  deviceToken?: string;
  organization?: string;
}

/** A sign-in with optional cookie and X-Forwarded-For headers; returns the reply and cookies. */
async function attempt(
  url: string,
  body: Attempt,
  headers: Record<string, string> = {},
): Promise<Reply & { cookies: string[] }> {
  const response = await fetch(`${url}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return {
    status: response.status,
    body: parsed,
    text,
    headers: response.headers,
    cookies: response.headers.getSetCookie(),
  };
}

const deviceCookieOf = (cookies: string[]): string | undefined =>
  cookies.find((c) => c.startsWith('conclave_device='))?.split(';')[0];

async function started(options: Partial<StartServerOptions> = {}) {
  const database = sqliteDatabase();
  const server = await startServer({
    port: 0,
    ...database.location,
    passwordCost: fastPasswords,
    log: () => undefined,
    ...options,
  });
  return {
    database,
    server,
    async close() {
      await server.close();
      await database.drop();
    },
  };
}

describe('a parallel burst of wrong passwords', () => {
  let world: Awaited<ReturnType<typeof started>>;
  beforeAll(async () => {
    // The real scrypt cost: each check takes long enough for all 40 requests to be in flight.
    world = await started({ passwordCost: defaultCost });
  });
  afterAll(async () => {
    await world?.close();
  });

  it('lets at most the allowed number reach the password check; the rest are 429 at once', async () => {
    const email = world.server.firstAdmin?.email ?? '';
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        attempt(world.server.url, { email, password: `wrong-password-${i}` }),
      ),
    );
    const statuses = replies.map((r) => r.status);
    const checked = statuses.filter((s) => s === 401).length;
    const limited = replies.filter((r) => r.status === 429);
    expect(checked, statuses.join(' ')).toBeLessThanOrEqual(10);
    expect(checked + limited.length).toBe(40);
    for (const reply of limited) {
      fails(reply, 429, 'RATE_LIMITED');
      expect(Number(reply.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });
});

describe('an account under attack', () => {
  let world: Awaited<ReturnType<typeof started>>;
  let admin: Session;
  let owner: { email: string; password: string };

  const attack = async (email: string, times = 12) => {
    for (let i = 0; i < times; i += 1) {
      const reply = await attempt(world.server.url, { email, password: `guess-number-${i}` });
      expect([401, 429]).toContain(reply.status);
    }
  };

  beforeAll(async () => {
    // Every attempt here comes from 127.0.0.1: only the per-account limits are under test.
    world = await started({
      signInLimits: {
        perIp: { limit: 1000, windowMs: 15 * 60_000 },
        perEmail: { limit: 10, windowMs: 15 * 60_000 },
      },
    });
    admin = await signIn(
      world.server.url,
      world.server.firstAdmin?.email ?? '',
      world.server.firstAdmin?.password ?? '',
    );
    const password = 'owner-correct-horse-battery';
    ok(
      await admin.call('POST', '/api/admin/users', {
        email: 'owner@example.com',
        displayName: 'Owner',
        password,
        mustChangePassword: false,
      }),
      userResponseSchema,
      201,
    );
    owner = { email: 'owner@example.com', password };
  });
  afterAll(async () => {
    await world?.close();
  });

  it('stays open to the right password from a browser or CLI that signed in before', async () => {
    const first = await attempt(world.server.url, owner);
    expect(first.status, first.text).toBe(200);
    const cookie = deviceCookieOf(first.cookies);
    expect(cookie).toMatch(/^conclave_device=[A-Za-z0-9_-]{43}$/);
    expect(first.cookies.find((c) => c.startsWith('conclave_device='))).toContain('HttpOnly');
    const { deviceToken } = first.body as { deviceToken?: string };
    expect(deviceToken).toMatch(/^[A-Za-z0-9_-]{43}$/);

    await attack(owner.email);
    // A new device, even with the right password, waits.
    fails(await attempt(world.server.url, owner), 429, 'RATE_LIMITED');
    // A made-up device token is no way round it.
    fails(
      await attempt(world.server.url, { ...owner, deviceToken: 'A'.repeat(43) }),
      429,
      'RATE_LIMITED',
    );
    // The browser that signed in before (its cookie) and the CLI (its stored token) get in.
    const browser = await attempt(world.server.url, owner, { cookie: cookie ?? '' });
    expect(browser.status, browser.text).toBe(200);
    const cli = await attempt(world.server.url, { ...owner, deviceToken: deviceToken ?? '' });
    expect(cli.status, cli.text).toBe(200);
  });

  it('limits wrong passwords from a known device on their own', async () => {
    const first = await attempt(world.server.url, {
      email: world.server.firstAdmin?.email ?? '',
      password: world.server.firstAdmin?.password ?? '',
    });
    const { deviceToken } = first.body as { deviceToken: string };
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1) {
      statuses.push(
        (
          await attempt(world.server.url, {
            email: world.server.firstAdmin?.email ?? '',
            password: `stolen-laptop-guess-${i}`,
            deviceToken,
          })
        ).status,
      );
    }
    expect(statuses.slice(0, 10)).toEqual(Array.from({ length: 10 }, () => 401));
    expect(statuses.slice(10)).toEqual([429, 429]);
  });

  it('opens again when an admin lifts the limit, and the audit log says who did', async () => {
    const victim = ok(
      await admin.call('POST', '/api/admin/users', {
        email: 'victim@example.com',
        displayName: 'Victim',
        password: 'victim-correct-horse-battery',
        mustChangePassword: false,
      }),
      userResponseSchema,
      201,
    );
    await attack('victim@example.com');
    const credentials = { email: 'victim@example.com', password: 'victim-correct-horse-battery' };
    fails(await attempt(world.server.url, credentials), 429, 'RATE_LIMITED');

    ok(
      await admin.call('POST', '/api/admin/users', {
        email: 'plain@example.com',
        displayName: 'Plain',
        password: 'plain-correct-horse-battery',
        mustChangePassword: false,
      }),
      userResponseSchema,
      201,
    );
    const alice = await signIn(
      world.server.url,
      'plain@example.com',
      'plain-correct-horse-battery',
    );
    fails(await alice.call('POST', `/api/admin/users/${victim.user.id}/unlock`), 403, 'FORBIDDEN');
    ok(await admin.call('POST', `/api/admin/users/${victim.user.id}/unlock`), okSchema);
    const reply = await attempt(world.server.url, credentials);
    expect(reply.status, reply.text).toBe(200);

    const entries = ok(
      await admin.call('GET', '/api/admin/audit?kind=user.sign-in-unlocked'),
      auditListSchema,
    ).entries;
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      subject: `user:${victim.user.id}`,
      actor: { id: admin.userId },
    });
    fails(await admin.call('POST', '/api/admin/users/nobody/unlock'), 404, 'NOT_FOUND');
  });

  it('answers an unknown email exactly like a known one under the same attack', async () => {
    const known = await attempt(world.server.url, {
      email: owner.email,
      password: 'still-wrong-1',
    });
    await attack('nobody-here@example.com');
    const unknown = await attempt(world.server.url, {
      email: 'nobody-here@example.com',
      password: 'still-wrong-1',
    });
    expect(unknown.status).toBe(known.status);
    expect((unknown.body as { error: unknown }).error).toEqual(
      (known.body as { error: unknown }).error,
    );
  });
});

describe('an email that accounts in two organizations have', () => {
  let world: Awaited<ReturnType<typeof started>>;
  let adminA: Session;
  let adminB: Session;
  const users: Record<string, { a?: string; b?: string }> = {};

  const create = async (admin: Session, email: string, password: string) =>
    ok(
      await admin.call('POST', '/api/admin/users', {
        email,
        displayName: 'Twin',
        password,
        mustChangePassword: false,
      }),
      userResponseSchema,
      201,
    ).user.id;

  beforeAll(async () => {
    world = await started({
      signInLimits: {
        perIp: { limit: 1000, windowMs: 15 * 60_000 },
        perEmail: { limit: 10, windowMs: 15 * 60_000 },
      },
    });
    adminA = await signIn(
      world.server.url,
      world.server.firstAdmin?.email ?? '',
      world.server.firstAdmin?.password ?? '',
    );
    const b = await bootstrapAdmin({
      ...world.database.location,
      email: 'admin@b.example',
      tenant: 'Organization B',
      passwordCost: fastPasswords,
    });
    adminB = await signIn(world.server.url, b.email, b.password);
    // `twin` is in both organizations; `single` only in A. The attacker in A sees no difference.
    users.twin = {
      a: await create(adminA, 'twin@example.com', 'twin-password-in-a'),
      b: await create(adminB, 'twin@example.com', 'twin-password-in-b'),
    };
    users.single = { a: await create(adminA, 'single@example.com', 'single-password-in-a') };
  });
  afterAll(async () => {
    await world?.close();
  });

  it("does not let one organization's unlock open the other's account, nor tell that it exists", async () => {
    const answers: Record<string, unknown[]> = {};
    for (const name of ['twin', 'single']) {
      const email = `${name}@example.com`;
      const seen: unknown[] = [];
      for (let i = 0; i < 12; i += 1) {
        const reply = await attempt(world.server.url, { email, password: `guess-${i}-abcdefg` });
        seen.push(reply.status, reply.body);
      }
      ok(await adminA.call('POST', `/api/admin/users/${users[name]?.a}/unlock`), okSchema);
      for (let i = 0; i < 3; i += 1) {
        const reply = await attempt(world.server.url, { email, password: `after-${i}-abcdefg` });
        seen.push(reply.status, reply.body);
      }
      answers[name] = seen;
    }
    expect(answers.twin).toEqual(answers.single);

    // A's unlock left B's account limited: even its own password does not reach it now…
    fails(
      await attempt(world.server.url, {
        email: 'twin@example.com',
        password: 'twin-password-in-b',
      }),
      401,
      'INVALID_CREDENTIALS',
    );
    // …until B's admin lifts it.
    ok(await adminB.call('POST', `/api/admin/users/${users.twin?.b}/unlock`), okSchema);
    const reply = await attempt(world.server.url, {
      email: 'twin@example.com',
      password: 'twin-password-in-b',
    });
    expect(reply.status, reply.text).toBe(200);
    expect((reply.body as { user: { id: string } }).user.id).toBe(users.twin?.b);
  });

  it('has bootstrapAdmin ask which organization for such an email, and act only there', async () => {
    const at = { ...world.database.location, passwordCost: fastPasswords };
    await expect(bootstrapAdmin({ ...at, email: 'twin@example.com' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    const promoted = await bootstrapAdmin({
      ...at,
      email: 'twin@example.com',
      tenant: 'Organization B',
    });
    const reply = await attempt(world.server.url, promoted);
    expect(reply.status, reply.text).toBe(200);
    expect((reply.body as { user: { id: string; role: string } }).user).toMatchObject({
      id: users.twin?.b,
      role: 'admin',
    });
    // A's account kept its password and role.
    const inA = await signIn(world.server.url, 'twin@example.com', 'twin-password-in-a');
    expect(inA.userId).toBe(users.twin?.a);
  });
});

describe('client addresses behind a reverse proxy', () => {
  const burst = async (url: string, forwardedFor: string) => {
    for (let i = 0; i < 3; i += 1) {
      const reply = await attempt(
        url,
        { email: `user${i}@example.com`, password: 'not-the-password' },
        { 'x-forwarded-for': forwardedFor },
      );
      expect(reply.status, reply.text).toBe(401);
    }
  };
  const limits = {
    perIp: { limit: 3, windowMs: 60_000 },
    perEmail: { limit: 10, windowMs: 60_000 },
  };

  it('reads X-Forwarded-For from a trusted proxy: each client has its own limit', async () => {
    const world = await started({ signInLimits: limits, trustedProxies: ['127.0.0.1'] });
    try {
      await burst(world.server.url, '203.0.113.7');
      const again = { email: 'other@example.com', password: 'not-the-password' };
      const headers = (ip: string) => ({ 'x-forwarded-for': ip });
      fails(await attempt(world.server.url, again, headers('203.0.113.7')), 429, 'RATE_LIMITED');
      fails(
        await attempt(world.server.url, again, headers('203.0.113.8')),
        401,
        'INVALID_CREDENTIALS',
      );
    } finally {
      await world.close();
    }
  });

  it('ignores X-Forwarded-For from anyone else, so it cannot dodge the limit', async () => {
    const world = await started({ signInLimits: limits });
    try {
      await burst(world.server.url, '203.0.113.7');
      fails(
        await attempt(
          world.server.url,
          { email: 'other@example.com', password: 'not-the-password' },
          { 'x-forwarded-for': '198.51.100.99' },
        ),
        429,
        'RATE_LIMITED',
      );
    } finally {
      await world.close();
    }
  });

  it('refuses a malformed CONCLAVE_TRUSTED_PROXIES with a sentence', async () => {
    const database = sqliteDatabase();
    try {
      await expect(
        startServer({
          port: 0,
          ...database.location,
          log: () => undefined,
          trustedProxies: ['10.0.0.0/8', 'not-an-address'],
        }),
      ).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        message: expect.stringMatching(/^CONCLAVE_TRUSTED_PROXIES/) as unknown,
      });
    } finally {
      await database.drop();
    }
  });
});
