// A database outage under a running server, with a real PostgreSQL stopped and started: every
// request answers 503 UNAVAILABLE with Retry-After (never 500, never "wrong password"), readiness
// says the database is away while liveness stays up, the log names the cause, and service comes
// back by itself when the database does. A start against an absent database names where it looked.
import { meResponseSchema } from '@conclave/protocol';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../src/index.ts';
import type { RunningServer } from '../src/index.ts';
import { fastPasswords } from './support/databases.ts';
import { client, fails, ok, signIn } from './support/http.ts';
import type { Session } from './support/http.ts';
import { startPrivatePostgres } from './support/private-postgres.ts';
import type { PrivatePostgres } from './support/private-postgres.ts';

describe('a PostgreSQL outage under a running server', () => {
  let database: PrivatePostgres;
  let dataDir: string;
  let server: RunningServer;
  let admin: Session;
  const log: string[] = [];

  beforeAll(async () => {
    database = await startPrivatePostgres();
    dataDir = mkdtempSync(join(tmpdir(), 'conclave-outage-'));
    server = await startServer({
      port: 0,
      dataDir,
      databaseUrl: database.url,
      passwordCost: fastPasswords,
      log: (line) => log.push(line),
    });
    admin = await signIn(
      server.url,
      server.firstAdmin?.email ?? '',
      server.firstAdmin?.password ?? '',
    );
  }, 60_000);
  afterAll(async () => {
    await server.close();
    database.remove();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 503 UNAVAILABLE with Retry-After while the database is down, and recovers', async () => {
    ok(await admin.call('GET', '/api/me'), meResponseSchema);
    database.stop();
    try {
      const me = await admin.call('GET', '/api/me');
      fails(me, 503, 'UNAVAILABLE');
      expect(me.headers.get('retry-after')).toBe('5');
      fails(
        await admin.call('POST', '/api/meetings', { subject: 'During the outage' }),
        503,
        'UNAVAILABLE',
      );
      // A sign-in during the outage is not a wrong password.
      fails(
        await client(server.url)('POST', '/api/auth/sign-in', {
          email: server.firstAdmin?.email,
          password: server.firstAdmin?.password,
        }),
        503,
        'UNAVAILABLE',
      );
      fails(await client(server.url)('GET', '/readyz'), 503, 'UNAVAILABLE');
      expect((await client(server.url)('GET', '/healthz')).status).toBe(200);
      const refused = log.filter((line) => line.includes('database unavailable'));
      expect(refused.length).toBeGreaterThan(0);
      expect(refused.join('\n')).toMatch(/\((57P01|ECONNREFUSED|ECONNRESET|connection-lost)\)/);
      expect(log.join('\n')).not.toContain(server.firstAdmin?.password ?? '(none)');
    } finally {
      database.start();
    }
    // The pool reconnects on the next request; give it the moment a restart takes.
    const deadline = Date.now() + 5_000;
    let ready = await client(server.url)('GET', '/readyz');
    while (ready.status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      ready = await client(server.url)('GET', '/readyz');
    }
    expect(ready.body).toEqual({ ok: true, database: 'reachable' });
    ok(await admin.call('GET', '/api/me'), meResponseSchema);
  }, 60_000);

  it('a start while the database is down names the address it tried, never the password', async () => {
    database.stop();
    try {
      const url = new URL(database.url);
      url.password = 'hunter2-not-logged';
      const failure = await startServer({
        port: 0,
        dataDir,
        databaseUrl: url.toString(),
        log: () => undefined,
      }).then(
        () => undefined,
        (error: unknown) => error as { code?: string; message?: string },
      );
      expect(failure?.code).toBe('UNAVAILABLE');
      expect(failure?.message).toContain(
        `Could not reach PostgreSQL at 127.0.0.1:${url.port}/postgres`,
      );
      expect(failure?.message).not.toContain('hunter2');
    } finally {
      database.start();
    }
  }, 60_000);
});
