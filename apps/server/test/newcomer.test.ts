// The newcomer's path, on defaults (real password hashing, SQLite in an empty data directory):
// first start reports the admin once, sign in, create and assign a policy, schedule a meeting a
// label forces to E2EE, see recording refused with its reason, and find it all in the audit log.
import {
  assignmentResponseSchema,
  auditListSchema,
  encryptionPolicyResponseSchema,
  labelResponseSchema,
  meResponseSchema,
  meetingResponseSchema,
  userResponseSchema,
} from '@conclave/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../src/index.ts';
import type { RunningServer } from '../src/index.ts';
import { sqliteDatabase } from './support/databases.ts';
import { fails, ok, signIn } from './support/http.ts';

describe('a newcomer on an empty data directory', () => {
  const database = sqliteDatabase();
  let server: RunningServer | undefined;
  afterAll(async () => {
    await server?.close();
    await database.drop();
  });

  it('goes from first start to a refused recording in the audit log', async () => {
    const logLines: string[] = [];
    server = await startServer({
      port: 0,
      dataDir: database.location.dataDir,
      log: (l) => logLines.push(l),
    });
    const first = server.firstAdmin;
    expect(first?.email).toBe('admin@conclave.local');
    expect(first?.password.length).toBeGreaterThanOrEqual(20);

    const admin = await signIn(server.url, first?.email ?? '', first?.password ?? '');
    ok(
      await admin.call('POST', '/api/admin/encryption-policies', {
        name: 'E2EEAllowed',
        meetingEndToEndEncryption: 'DisabledUserOverride',
      }),
      encryptionPolicyResponseSchema,
      201,
    );
    ok(
      await admin.call('POST', '/api/admin/encryption-policy-assignments', {
        policy: 'E2EEAllowed',
        global: true,
      }),
      assignmentResponseSchema,
      201,
    );
    ok(
      await admin.call('POST', '/api/admin/labels', {
        id: 'highly-confidential',
        name: 'Highly confidential',
        meeting: { endToEndEncryption: 'apply' },
      }),
      labelResponseSchema,
      201,
    );
    const organizer = ok(
      await admin.call('POST', '/api/admin/users', {
        email: 'olga@example.com',
        displayName: 'Olga',
        premium: true,
      }),
      userResponseSchema,
      201,
    );
    const olga = await signIn(server.url, 'olga@example.com', organizer.password ?? '');
    // The password the admin handed over works once: Olga chooses her own before anything else.
    fails(await olga.call('GET', '/api/meetings'), 403, 'PASSWORD_CHANGE_REQUIRED');
    ok(
      await olga.call('POST', '/api/me/password', {
        currentPassword: organizer.password,
        newPassword: 'olga-chose-this-herself',
      }),
      meResponseSchema,
    );

    const scheduled = ok(
      await olga.call('POST', '/api/meetings', {
        subject: 'Board review',
        label: 'highly-confidential',
      }),
      meetingResponseSchema,
      201,
    );
    expect(scheduled.meeting.endToEndEncryption).toEqual({
      enabled: true,
      locked: true,
      source: 'label',
    });
    expect(scheduled.meeting.features.recording).toEqual({
      enabled: false,
      locked: true,
      reason: 'FEATURE_UNAVAILABLE_IN_E2EE',
    });

    const refused = fails(
      await olga.call('PATCH', `/api/meetings/${scheduled.meeting.id}/options`, {
        options: { recording: true },
      }),
      409,
      'MEETING_OPTIONS_REJECTED',
    );
    const reason = refused.reasons?.find((r) => r.code === 'FEATURE_UNAVAILABLE_IN_E2EE');
    expect(reason?.option).toBe('recording');
    expect(reason?.message).toMatch(/Recording/);
    expect(reason?.message).toMatch(/end-to-end encrypted/);
    expect(reason?.message).toContain("'Highly confidential'");
    expect(refused.message).toContain(reason?.message ?? 'no sentence');

    const { entries } = ok(
      await admin.call('GET', '/api/admin/audit?kind=meeting'),
      auditListSchema,
    );
    expect(entries[0]?.kind).toBe('meeting.options.rejected');
    expect(entries[0]?.actor?.displayName).toBe('Olga');
    expect(JSON.stringify(entries[0]?.details)).toContain(reason?.message ?? 'no sentence');
    expect(entries[1]?.kind).toBe('meeting.scheduled');

    const log = logLines.join('\n');
    expect(log).not.toContain(first?.password ?? 'unset');
    expect(log).not.toContain(organizer.password ?? 'unset');
  });

  it('reports no credentials on the next start of the same data directory', async () => {
    await server?.close();
    server = await startServer({
      port: 0,
      dataDir: database.location.dataDir,
      log: () => undefined,
    });
    expect(server.firstAdmin).toBeUndefined();
    expect(server.demoSignIns).toBeUndefined();
  });
});
