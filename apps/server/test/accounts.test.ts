// Accounts an admin runs: a one-time password that must be changed at first sign-in (enforced by
// the server on every route), a user changing their own password (other sessions end, this one
// stays), disabling and enabling a user, and bulk changes from the Users page — each audited,
// each scoped to the admin's organization, and no password ever in the audit log or the logs.
import {
  auditListSchema,
  meResponseSchema,
  userBulkResponseSchema,
  userResponseSchema,
} from '@conclave/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bootstrapAdmin, startServer } from '../src/index.ts';
import type { RunningServer } from '../src/index.ts';
import { fastPasswords, sqliteDatabase } from './support/databases.ts';
import type { TestDatabase } from './support/databases.ts';
import { client, fails, ok, signIn } from './support/http.ts';
import type { Session } from './support/http.ts';

/** For answers whose shape other tests check. */
const anything = z.unknown();

describe('accounts an admin runs', () => {
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

  const create = async (email: string, body: Record<string, unknown> = {}) =>
    ok(
      await admin.call('POST', '/api/admin/users', {
        email,
        displayName: email.split('@')[0],
        ...body,
      }),
      userResponseSchema,
      201,
    );

  const auditKinds = async () =>
    ok(await admin.call('GET', '/api/admin/audit?limit=200'), auditListSchema).entries.map((e) => ({
      kind: e.kind,
      subject: e.subject,
      details: e.details,
    }));

  describe('a one-time password', () => {
    it('is what an admin-set password is by default, and what a generated one always is', async () => {
      const given = await create('given@example.com', { password: 'given-password-2030' });
      expect(given.user.mustChangePassword).toBe(true);
      const generated = await create('generated@example.com', { mustChangePassword: false });
      expect(generated.user.mustChangePassword).toBe(true);
      const kept = await create('kept@example.com', {
        password: 'kept-password-2030',
        mustChangePassword: false,
      });
      expect(kept.user.mustChangePassword).toBe(false);
      // The first admin (first run) has none.
      expect(ok(await admin.call('GET', '/api/me'), meResponseSchema).user.mustChangePassword).toBe(
        false,
      );
    });

    it('signs in, then lets the session do nothing but read itself, change it, or sign out', async () => {
      await create('newbie@example.com', { password: 'handed-over-2030' });
      const newbie = await signIn(server.url, 'newbie@example.com', 'handed-over-2030');
      const me = ok(await newbie.call('GET', '/api/me'), meResponseSchema);
      expect(me.user.mustChangePassword).toBe(true);
      const refused = fails(
        await newbie.call('GET', '/api/meetings'),
        403,
        'PASSWORD_CHANGE_REQUIRED',
      );
      expect(refused.message).toMatch(/choose a new password/);
      fails(
        await newbie.call('POST', '/api/meetings', { subject: 'Before changing' }),
        403,
        'PASSWORD_CHANGE_REQUIRED',
      );
      fails(
        await newbie.call('PATCH', '/api/me/settings', { e2eeCalls: true }),
        403,
        'PASSWORD_CHANGE_REQUIRED',
      );
      // The realtime socket does not open for it either (device registration is refused first).
      fails(await newbie.call('POST', '/api/devices', {}), 403, 'PASSWORD_CHANGE_REQUIRED');

      const changed = ok(
        await newbie.call('POST', '/api/me/password', {
          currentPassword: 'handed-over-2030',
          newPassword: 'my-very-own-password',
        }),
        meResponseSchema,
      );
      expect(changed.user.mustChangePassword).toBe(false);
      ok(await newbie.call('GET', '/api/meetings'), anything);
      fails(
        await client(server.url)('POST', '/api/auth/sign-in', {
          email: 'newbie@example.com',
          password: 'handed-over-2030',
        }),
        401,
        'INVALID_CREDENTIALS',
      );
      await signIn(server.url, 'newbie@example.com', 'my-very-own-password');
    });

    it('comes back when an admin resets the password, unless they say it is not one-time', async () => {
      const user = await create('reset@example.com', {
        password: 'reset-first-2030',
        mustChangePassword: false,
      });
      const reset = ok(
        await admin.call('PATCH', `/api/admin/users/${user.user.id}`, {
          password: 'reset-second-2030',
        }),
        userResponseSchema,
      );
      expect(reset.user.mustChangePassword).toBe(true);
      const again = ok(
        await admin.call('PATCH', `/api/admin/users/${user.user.id}`, {
          password: 'reset-third-2030',
          mustChangePassword: false,
        }),
        userResponseSchema,
      );
      expect(again.user.mustChangePassword).toBe(false);
    });
  });

  describe('changing my password', () => {
    it('needs the current password, a new one that meets the rule and is new, and says which field is wrong', async () => {
      await create('careful@example.com', {
        password: 'careful-password-1',
        mustChangePassword: false,
      });
      const me = await signIn(server.url, 'careful@example.com', 'careful-password-1');
      const wrong = fails(
        await me.call('POST', '/api/me/password', {
          currentPassword: 'not-my-password-at-all',
          newPassword: 'careful-password-2',
        }),
        400,
        'INVALID_INPUT',
      );
      expect(wrong.fields).toEqual([
        { path: '$.currentPassword', message: 'This is not your current password.' },
      ]);
      const weak = fails(
        await me.call('POST', '/api/me/password', {
          currentPassword: 'careful-password-1',
          newPassword: 'password',
        }),
        400,
        'WEAK_PASSWORD',
      );
      expect(weak.fields?.[0]?.path).toBe('$.newPassword');
      const same = fails(
        await me.call('POST', '/api/me/password', {
          currentPassword: 'careful-password-1',
          newPassword: 'careful-password-1',
        }),
        400,
        'INVALID_INPUT',
      );
      expect(same.fields?.[0]?.path).toBe('$.newPassword');
      fails(
        await me.call('POST', '/api/me/password', { currentPassword: 'careful-password-1' }),
        400,
        'INVALID_INPUT',
      );
      fails(
        await client(server.url)('POST', '/api/me/password', {
          currentPassword: 'careful-password-1',
          newPassword: 'careful-password-2',
        }),
        401,
        'UNAUTHENTICATED',
      );
    });

    it('signs my other sessions out, keeps this one, and is audited without the password', async () => {
      const user = await create('mover@example.com', {
        password: 'mover-password-1',
        mustChangePassword: false,
      });
      const laptop = await signIn(server.url, 'mover@example.com', 'mover-password-1');
      const phone = await signIn(server.url, 'mover@example.com', 'mover-password-1');
      ok(
        await laptop.call('POST', '/api/me/password', {
          currentPassword: 'mover-password-1',
          newPassword: 'mover-password-2',
        }),
        meResponseSchema,
      );
      ok(await laptop.call('GET', '/api/me'), meResponseSchema);
      fails(await phone.call('GET', '/api/me'), 401, 'UNAUTHENTICATED');

      const entry = (await auditKinds()).find(
        (e) => e.kind === 'user.password.changed' && e.subject === `user:${user.user.id}`,
      );
      expect(entry?.details).toEqual({ otherSessionsEnded: 1 });
      const everything = JSON.stringify(await auditKinds()) + logLines.join('\n');
      expect(everything).not.toContain('mover-password-1');
      expect(everything).not.toContain('mover-password-2');
    });
  });

  it('counts wrong current passwords against the account’s sign-in limit', async () => {
    await create('guessed@example.com', {
      password: 'guessed-password-1',
      mustChangePassword: false,
    });
    const open = await signIn(server.url, 'guessed@example.com', 'guessed-password-1');
    const guess = (n: number) =>
      open.call('POST', '/api/me/password', {
        currentPassword: `a-guess-number-${n}`,
        newPassword: 'guessed-password-2',
      });
    for (let n = 0; n < 10; n += 1) fails(await guess(n), 400, 'INVALID_INPUT');
    fails(await guess(10), 429, 'RATE_LIMITED');
  });

  describe('disabling a user', () => {
    it('ends their sessions, refuses their sign-in with a sentence, shows them disabled, and is undone by enabling', async () => {
      const user = await create('leaver@example.com', {
        password: 'leaver-password-1',
        mustChangePassword: false,
      });
      const leaver = await signIn(server.url, 'leaver@example.com', 'leaver-password-1');
      const disabled = ok(
        await admin.call('POST', `/api/admin/users/${user.user.id}/disable`),
        userResponseSchema,
      );
      expect(disabled.user.disabled).toBe(true);
      fails(await leaver.call('GET', '/api/me'), 401, 'UNAUTHENTICATED');
      const refused = fails(
        await client(server.url)('POST', '/api/auth/sign-in', {
          email: 'leaver@example.com',
          password: 'leaver-password-1',
        }),
        403,
        'ACCOUNT_DISABLED',
      );
      expect(refused.message).toBe(
        'This account is disabled: an admin of your organization can enable it again.',
      );
      // A wrong password still says only that: whether the account is disabled is not for guessers.
      fails(
        await client(server.url)('POST', '/api/auth/sign-in', {
          email: 'leaver@example.com',
          password: 'a-wrong-guess-here',
        }),
        401,
        'INVALID_CREDENTIALS',
      );
      const listed = ok(await admin.call('GET', '/api/admin/users'), anything) as {
        users: { id: string; disabled: boolean }[];
      };
      expect(listed.users.find((u) => u.id === user.user.id)?.disabled).toBe(true);

      ok(await admin.call('POST', `/api/admin/users/${user.user.id}/enable`), userResponseSchema);
      await signIn(server.url, 'leaver@example.com', 'leaver-password-1');
      const kinds = (await auditKinds())
        .filter((e) => e.subject === `user:${user.user.id}`)
        .map((e) => e.kind);
      expect(kinds).toEqual(expect.arrayContaining(['user.disabled', 'user.enabled']));
    });

    it('refuses to disable oneself, is admin-only, and answers an unknown id with 404', async () => {
      fails(await admin.call('POST', `/api/admin/users/${admin.userId}/disable`), 409, 'CONFLICT');
      await create('plain@example.com', {
        password: 'plain-password-1',
        mustChangePassword: false,
      });
      const plain = await signIn(server.url, 'plain@example.com', 'plain-password-1');
      fails(await plain.call('POST', `/api/admin/users/${admin.userId}/disable`), 403, 'FORBIDDEN');
      fails(await admin.call('POST', '/api/admin/users/no-such-user/disable'), 404, 'NOT_FOUND');
    });
  });

  describe('bulk changes', () => {
    it('grants a policy and sets the licence for every selected user at once, audited per user', async () => {
      const a = (await create('bulk-a@example.com')).user.id;
      const b = (await create('bulk-b@example.com')).user.id;
      ok(
        await admin.call('POST', '/api/admin/encryption-policies', {
          name: 'Sensitive',
          meetingEndToEndEncryption: 'DisabledUserOverride',
        }),
        anything,
        201,
      );
      const granted = ok(
        await admin.call('POST', '/api/admin/users/bulk', {
          userIds: [a, b],
          action: { kind: 'grant-encryption-policy', policy: 'Sensitive' },
        }),
        userBulkResponseSchema,
      );
      expect(granted.users.map((u) => u.id).sort()).toEqual([a, b].sort());
      for (const id of [a, b]) {
        const effective = (await admin.call('GET', `/api/admin/effective-policy/${id}`)).body as {
          policy: { name: string };
          source: unknown;
        };
        expect(effective.policy.name).toBe('Sensitive');
      }
      const licensed = ok(
        await admin.call('POST', '/api/admin/users/bulk', {
          userIds: [a, b],
          action: { kind: 'set-premium', premium: true },
        }),
        userBulkResponseSchema,
      );
      expect(licensed.users.every((u) => u.premium)).toBe(true);

      const entries = await auditKinds();
      for (const id of [a, b]) {
        expect(
          entries.some(
            (e) =>
              e.kind === 'encryption-policy-assignment.created' &&
              (e.details as { user?: string }).user === id,
          ),
        ).toBe(true);
        expect(
          entries.some(
            (e) =>
              e.kind === 'user.changed' &&
              e.subject === `user:${id}` &&
              (e.details as { via?: string }).via === 'bulk',
          ),
        ).toBe(true);
      }
    });

    it('changes nothing when one id is not a user of this organization, and names it', async () => {
      const c = (await create('bulk-c@example.com')).user.id;
      const other = await bootstrapAdmin({
        ...database.location,
        email: 'admin@elsewhere.example',
        tenant: 'Elsewhere',
        passwordCost: fastPasswords,
      });
      const elsewhere = await signIn(server.url, other.email, other.password);
      const foreign = ok(
        await elsewhere.call('POST', '/api/admin/users', {
          email: 'foreign@elsewhere.example',
          displayName: 'Foreign',
        }),
        userResponseSchema,
        201,
      ).user.id;
      const refused = fails(
        await admin.call('POST', '/api/admin/users/bulk', {
          userIds: [c, foreign],
          action: { kind: 'set-premium', premium: true },
        }),
        404,
        'NOT_FOUND',
      );
      expect(refused.fields).toEqual([{ path: '$.userIds[1]', message: 'unknown user' }]);
      const after = ok(await admin.call('GET', `/api/admin/users/${c}`), userResponseSchema);
      expect(after.user.premium).toBe(false);
      const foreignAfter = ok(
        await elsewhere.call('GET', `/api/admin/users/${foreign}`),
        userResponseSchema,
      );
      expect(foreignAfter.user.premium).toBe(false);

      const unknownPolicy = fails(
        await admin.call('POST', '/api/admin/users/bulk', {
          userIds: [c],
          action: { kind: 'grant-encryption-policy', policy: 'Nope' },
        }),
        404,
        'NOT_FOUND',
      );
      expect(unknownPolicy.fields?.[0]?.path).toBe('$.action.policy');
      fails(
        await admin.call('POST', '/api/admin/users/bulk', {
          userIds: [],
          action: { kind: 'set-premium', premium: true },
        }),
        400,
        'INVALID_INPUT',
      );
      fails(
        await admin.call('POST', '/api/admin/users/bulk', {
          userIds: [c],
          action: { kind: 'delete' },
        }),
        400,
        'INVALID_INPUT',
      );
    });
  });
});
