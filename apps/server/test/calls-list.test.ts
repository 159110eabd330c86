// Reading calls back (GET /api/calls, GET /api/calls/:id): both sides see a call, each from its
// own side (direction, the other person, E2EE state and why, the call's state and times); nobody
// else does — a third user of the same tenant and another tenant get the same "not found" as an
// unknown id. The list is the history: newest first, at most `limit` (50 by default).
import {
  assignmentResponseSchema,
  callListSchema,
  callResponseSchema,
  callSummaryResponseSchema,
  encryptionPolicyResponseSchema,
  meResponseSchema,
  userResponseSchema,
} from '@conclave/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapAdmin, startServer } from '../src/index.ts';
import type { RunningServer } from '../src/index.ts';
import { fastPasswords, sqliteDatabase } from './support/databases.ts';
import type { TestDatabase } from './support/databases.ts';
import { fails, ok, signIn } from './support/http.ts';
import type { Session } from './support/http.ts';

const hour = 60 * 60_000;

describe('GET /api/calls and /api/calls/:id', () => {
  let database: TestDatabase;
  let server: RunningServer;
  let clock = Date.parse('2030-01-01T09:00:00Z');
  let admin: Session;
  let alice: Session;
  let bob: Session;
  let carol: Session;
  let stranger: Session;

  async function person(name: string): Promise<Session> {
    const email = `${name}@calls.example`;
    const password = `${name}-correct-horse-battery`;
    ok(
      await admin.call('POST', '/api/admin/users', {
        email,
        displayName: name[0]?.toUpperCase() + name.slice(1),
        password,
        mustChangePassword: false,
      }),
      userResponseSchema,
      201,
    );
    return signIn(server.url, email, password);
  }

  async function place(caller: Session, callee: Session) {
    clock += 1_000;
    return ok(
      await caller.call('POST', '/api/calls', { callee: callee.userId }),
      callResponseSchema,
      201,
    );
  }

  const list = async (who: Session) =>
    ok(await who.call('GET', '/api/calls'), callListSchema).calls;

  beforeAll(async () => {
    database = sqliteDatabase();
    server = await startServer({
      port: 0,
      ...database.location,
      passwordCost: fastPasswords,
      log: () => undefined,
      now: () => clock,
      // Longer than the list's 24 h window, so the test can step past it without signing in again.
      sessionTtlMs: 72 * hour,
    });
    admin = await signIn(
      server.url,
      server.firstAdmin?.email ?? '',
      server.firstAdmin?.password ?? '',
    );
    [alice, bob, carol] = [await person('alice'), await person('bob'), await person('carol')];
    const credentials = await bootstrapAdmin({
      ...database.location,
      email: 'admin@other.example',
      tenant: 'Other organization',
      passwordCost: fastPasswords,
    });
    stranger = await signIn(server.url, credentials.email, credentials.password);
  });
  afterAll(async () => {
    await server.close();
    await database.drop();
  });

  it('shows a standard call to both sides, each from its own side, with the reasons', async () => {
    const placed = await place(alice, bob);
    expect(placed.call.endToEndEncryption.enabled).toBe(false);

    const [asCaller] = await list(alice);
    expect(asCaller).toMatchObject({
      id: placed.call.id,
      caller: alice.userId,
      callee: bob.userId,
      direction: 'outgoing',
      other: { id: bob.userId, displayName: 'Bob' },
      endToEndEncryption: { enabled: false },
    });
    // Out of the box Global does not allow E2EE calls, and nobody has turned them on.
    expect(asCaller?.reasons.map((r) => r.code).sort()).toEqual([
      'CALL_E2EE_DISABLED_BY_POLICY',
      'CALL_E2EE_OFF_IN_USER_SETTINGS',
    ]);
    expect(asCaller?.reasons).toEqual(placed.decision.reasons);

    const [asCallee] = await list(bob);
    expect(asCallee).toMatchObject({
      id: placed.call.id,
      direction: 'incoming',
      other: { id: alice.userId, displayName: 'Alice' },
    });
    expect(asCallee?.reasons).toEqual(placed.decision.reasons);

    const one = ok(
      await bob.call('GET', `/api/calls/${placed.call.id}`),
      callSummaryResponseSchema,
    );
    expect(one.call).toEqual(asCallee);
    const mine = ok(
      await alice.call('GET', `/api/calls/${placed.call.id}`),
      callSummaryResponseSchema,
    );
    expect(mine.call).toEqual(asCaller);
  });

  it('says an E2EE call is end-to-end encrypted, with nothing against it', async () => {
    ok(
      await admin.call('POST', '/api/admin/encryption-policies', {
        name: 'CallsAllowed',
        meetingEndToEndEncryption: 'DisabledUserOverride',
        callingEndToEndEncryption: 'DisabledUserOverride',
      }),
      encryptionPolicyResponseSchema,
      201,
    );
    ok(
      await admin.call('POST', '/api/admin/encryption-policy-assignments', {
        policy: 'CallsAllowed',
        global: true,
      }),
      assignmentResponseSchema,
      201,
    );
    for (const who of [alice, carol]) {
      ok(await who.call('PATCH', '/api/me/settings', { e2eeCalls: true }), meResponseSchema);
    }
    const placed = await place(carol, alice);
    expect(placed.call.endToEndEncryption.enabled).toBe(true);
    const [latest] = await list(alice);
    expect(latest).toMatchObject({
      id: placed.call.id,
      direction: 'incoming',
      other: { displayName: 'Carol' },
      endToEndEncryption: { enabled: true },
      reasons: [],
    });
  });

  it('is not found for a third user of the tenant, another tenant and an unknown id', async () => {
    const placed = await place(alice, bob);
    fails(await carol.call('GET', `/api/calls/${placed.call.id}`), 404, 'NOT_FOUND');
    fails(await stranger.call('GET', `/api/calls/${placed.call.id}`), 404, 'NOT_FOUND');
    fails(await admin.call('GET', `/api/calls/${placed.call.id}`), 404, 'NOT_FOUND');
    fails(await alice.call('GET', '/api/calls/no-such-call'), 404, 'NOT_FOUND');
    expect((await list(carol)).map((c) => c.id)).not.toContain(placed.call.id);
    expect(await list(stranger)).toEqual([]);
    expect(await list(admin)).toEqual([]);
  });

  it('lists the history newest first, at most `limit` (50 by default), older calls too', async () => {
    const before = await list(alice);
    clock += 25 * hour;
    // A day on, nothing is lost, and the calls nobody answered read as missed at their deadline.
    expect((await list(alice)).map((c) => c.id)).toEqual(before.map((c) => c.id));
    expect((await list(alice)).every((c) => c.state === 'missed')).toBe(true);
    expect(before[0]?.state).toBe('ringing');

    const placed: string[] = [];
    for (let i = 0; i < 22; i++) {
      placed.push((await place(i % 2 === 0 ? alice : bob, i % 2 === 0 ? bob : alice)).call.id);
    }
    const latest = ok(await bob.call('GET', '/api/calls?limit=20'), callListSchema).calls;
    expect(latest.map((c) => c.id)).toEqual(placed.slice(-20).reverse());
    expect(latest.map((c) => c.direction).slice(0, 2)).toEqual(['outgoing', 'incoming']);
    expect((await list(bob)).length).toBe(22 + 2);
    fails(await bob.call('GET', '/api/calls?limit=0'), 400, 'INVALID_INPUT');
    fails(await bob.call('GET', '/api/calls?limit=many'), 400, 'INVALID_INPUT');
    expect(await list(stranger)).toEqual([]);
  });

  it('needs a signed-in user', async () => {
    const anonymous = await fetch(`${server.url}/api/calls`);
    expect(anonymous.status).toBe(401);
  });
});
