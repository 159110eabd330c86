// The password rule (issue 9, item 13): at least 12 characters, not all whitespace, not one of the
// commonest passwords, not a short pattern repeated. Every place a password is set refuses a weak
// one with WEAK_PASSWORD and a sentence, and every password the server makes up passes.
import { userResponseSchema } from '@conclave/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapAdmin, startServer } from '../src/index.ts';
import type { RunningServer } from '../src/index.ts';
import { checkPassword } from '../src/identity/password-rule.ts';
import { generatePassword } from '../src/identity/passwords.ts';
import { fastPasswords, sqliteDatabase } from './support/databases.ts';
import type { TestDatabase } from './support/databases.ts';
import { fails, ok, signIn } from './support/http.ts';
import type { Session } from './support/http.ts';

const weak = [
  ' '.repeat(10),
  ' '.repeat(16),
  '\t \n'.repeat(5),
  'abcdefghijk',
  'qwerty123456',
  'ADMINISTRATOR',
  'Password2024!',
  '!!summer1234',
  'aaaaaaaaaaaaaaaa',
  'abcabcabcabcabc',
];

describe('the password rule', () => {
  it('refuses short, blank, common and repetitive passwords with a sentence', () => {
    for (const password of weak) {
      const verdict = checkPassword(password);
      expect(verdict.ok, JSON.stringify(password)).toBe(false);
      if (!verdict.ok) {
        expect(verdict.message).toMatch(/^[A-Z].*\.$/);
        expect(verdict.message).not.toContain(password.trim() || 'unset');
      }
    }
  });

  it('accepts long passwords that are not on the list', () => {
    for (const password of [
      'correct horse battery staple',
      'alice-correct-horse-iso',
      'a-new-long-password',
      'Tr0ub4dor&3-extra',
      'password-bob-1234',
    ]) {
      expect(checkPassword(password), password).toEqual({ ok: true });
    }
  });

  it('is met by every generated password', () => {
    for (let i = 0; i < 1000; i += 1)
      expect(checkPassword(generatePassword())).toEqual({ ok: true });
  });
});

describe('weak passwords through the API and bootstrapAdmin', () => {
  let database: TestDatabase;
  let server: RunningServer;
  let admin: Session;

  beforeAll(async () => {
    database = sqliteDatabase();
    server = await startServer({
      port: 0,
      ...database.location,
      passwordCost: fastPasswords,
      log: () => undefined,
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

  it('reports a first admin whose generated password meets the rule', () => {
    expect(checkPassword(server.firstAdmin?.password ?? '')).toEqual({ ok: true });
  });

  it('refuses a weak password when creating a user, and creates nobody', async () => {
    for (const [i, password] of weak.entries()) {
      const error = fails(
        await admin.call('POST', '/api/admin/users', {
          email: `weak-${i}@example.com`,
          displayName: 'Weak',
          password,
          mustChangePassword: false,
        }),
        400,
        'WEAK_PASSWORD',
      );
      expect(error.message).toMatch(/^[A-Z].*\.$/);
      expect(error.fields?.map((f) => f.path)).toEqual(['$.password']);
    }
    const created = ok(
      await admin.call('POST', '/api/admin/users', {
        email: 'weak-0@example.com',
        displayName: 'Strong',
        password: 'correct horse battery staple',
        mustChangePassword: false,
      }),
      userResponseSchema,
      201,
    );
    expect(created.user.email).toBe('weak-0@example.com');
  });

  it('refuses a weak password when an admin resets one', async () => {
    const created = ok(
      await admin.call('POST', '/api/admin/users', {
        email: 'reset@example.com',
        displayName: 'Reset',
      }),
      userResponseSchema,
      201,
    );
    expect(checkPassword(created.password ?? '')).toEqual({ ok: true });
    fails(
      await admin.call('PATCH', `/api/admin/users/${created.user.id}`, {
        password: ' '.repeat(12),
      }),
      400,
      'WEAK_PASSWORD',
    );
    // The old password still works: nothing was changed.
    await signIn(server.url, 'reset@example.com', created.password ?? '');
  });

  it('refuses a weak password in bootstrapAdmin', async () => {
    await expect(
      bootstrapAdmin({
        ...database.location,
        email: 'root@example.com',
        password: 'qwerty123456',
        passwordCost: fastPasswords,
      }),
    ).rejects.toMatchObject({ code: 'WEAK_PASSWORD' });
  });
});
