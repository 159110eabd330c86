// Starts a real server on a fresh database and builds, through the admin API, the organization
// the spec walks through: who has which licence, group, policy, template and label.
import {
  assignmentResponseSchema,
  compliancePolicyResponseSchema,
  encryptionPolicyResponseSchema,
  groupResponseSchema,
  labelResponseSchema,
  templateResponseSchema,
  userResponseSchema,
} from '@conclave/protocol';
import { expect } from 'vitest';
import { startServer } from '../../src/index.ts';
import type { RunningServer } from '../../src/index.ts';
import type { TestDatabase } from './databases.ts';
import { fastPasswords } from './databases.ts';
import { ok, signIn } from './http.ts';
import type { Session } from './http.ts';

export const people = {
  alice: { premium: true, note: 'in finance, whose group policy is NoE2EE' },
  bob: { premium: false, note: 'no premium licence' },
  carol: { premium: true, note: 'in legal, under compliance recording' },
  dave: { premium: true, note: 'NoE2EE assigned directly' },
  erin: { premium: true, note: 'Global policy, premium: may hold E2EE meetings' },
} as const;
export type Person = keyof typeof people;

export interface Org {
  server: RunningServer;
  database: TestDatabase;
  admin: Session;
  users: Record<Person, Session & { email: string; password: string }>;
  /** Ids of the assignments made, by name. */
  assignments: Record<'financeNoE2ee' | 'daveNoE2ee' | 'legalRecording', string>;
  /** Every line the server logged. */
  logLines: string[];
  /** Every password and token handed out, to prove none leaks. */
  secrets: string[];
  close(): Promise<void>;
}

export async function startOrg(database: TestDatabase, suffix: string): Promise<Org> {
  const logLines: string[] = [];
  const server = await startServer({
    port: 0,
    ...database.location,
    passwordCost: fastPasswords,
    log: (line) => logLines.push(line),
    // The text form, as an operator reads it in a terminal (JSON lines: logs.test.ts).
    logFormat: 'text',
  });
  const firstAdmin = server.firstAdmin;
  expect(firstAdmin).toBeDefined();
  const admin = await signIn(server.url, firstAdmin?.email ?? '', firstAdmin?.password ?? '');
  const secrets = [firstAdmin?.password ?? '', admin.token];

  const users = {} as Org['users'];
  for (const [name, person] of Object.entries(people) as [Person, (typeof people)[Person]][]) {
    const email = `${name}-${suffix}@example.com`;
    const password = `${name}-correct-horse-${suffix}`;
    ok(
      await admin.call('POST', '/api/admin/users', {
        email,
        displayName: name[0]?.toUpperCase() + name.slice(1),
        premium: person.premium,
        password,
        mustChangePassword: false,
      }),
      userResponseSchema,
      201,
    );
    const session = await signIn(server.url, email, password);
    users[name] = { ...session, email, password };
    secrets.push(password, session.token);
  }

  const group = async (id: string, name: string, members: string[]) =>
    ok(
      await admin.call('POST', '/api/admin/groups', { id, name, members }),
      groupResponseSchema,
      201,
    );
  await group('finance', 'Finance', [users.alice.userId]);
  await group('legal', 'Legal', [users.carol.userId]);

  ok(
    await admin.call('POST', '/api/admin/encryption-policies', {
      name: 'NoE2EE',
      description: 'Not enabled',
      meetingEndToEndEncryption: 'Disabled',
      callingEndToEndEncryption: 'Disabled',
    }),
    encryptionPolicyResponseSchema,
    201,
  );
  const assign = async (path: string, body: unknown) =>
    ok(await admin.call('POST', path, body), assignmentResponseSchema, 201).assignment.id;
  const financeNoE2ee = await assign('/api/admin/encryption-policy-assignments', {
    policy: 'NoE2EE',
    group: 'finance',
    rank: 1,
  });
  const daveNoE2ee = await assign('/api/admin/encryption-policy-assignments', {
    policy: 'NoE2EE',
    user: users.dave.userId,
  });

  ok(
    await admin.call('POST', '/api/admin/compliance-recording-policies', {
      name: 'LegalRecording',
      enabled: true,
    }),
    compliancePolicyResponseSchema,
    201,
  );
  const legalRecording = await assign('/api/admin/compliance-recording-assignments', {
    policy: 'LegalRecording',
    group: 'legal',
    rank: 1,
  });

  const template = async (id: string, name: string, value: boolean, locked: boolean) =>
    ok(
      await admin.call('POST', '/api/admin/templates', {
        id,
        name,
        options: { endToEndEncryption: { value, locked } },
      }),
      templateResponseSchema,
      201,
    );
  await template('sensitive', 'Sensitive', true, true);
  await template('e2ee-suggested', 'E2EE suggested', true, false);
  await template('open', 'Open', false, true);
  ok(
    await admin.call('POST', '/api/admin/labels', {
      id: 'highly-confidential',
      name: 'Highly confidential',
      meeting: { endToEndEncryption: 'apply' },
    }),
    labelResponseSchema,
    201,
  );

  return {
    server,
    database,
    admin,
    users,
    assignments: { financeNoE2ee, daveNoE2ee, legalRecording },
    logLines,
    secrets,
    async close() {
      await server.close();
      await database.drop();
    },
  };
}
