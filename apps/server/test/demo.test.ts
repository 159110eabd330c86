// `demo: true` on an empty database seeds an organization that shows the rules at work, and
// reports its sign-ins once.
import { meetingResponseSchema } from '@conclave/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialLines, startServer } from '../src/index.ts';
import type { RunningServer } from '../src/index.ts';
import { fastPasswords, sqliteDatabase } from './support/databases.ts';
import type { TestDatabase } from './support/databases.ts';
import { fails, ok, signIn } from './support/http.ts';

describe('the demo organization', () => {
  let database: TestDatabase;
  let server: RunningServer;
  beforeAll(async () => {
    database = sqliteDatabase();
    server = await startServer({
      port: 0,
      ...database.location,
      demo: true,
      passwordCost: fastPasswords,
      log: () => undefined,
    });
  });
  afterAll(async () => {
    await server.close();
    await database.drop();
  });

  const sign = (who: string) => {
    const entry = server.demoSignIns?.find((s) => s.email.startsWith(`${who}@`));
    return signIn(server.url, entry?.email ?? '', entry?.password ?? '');
  };

  it('reports every sign-in once, the admin first', () => {
    expect(server.demoSignIns?.map((s) => s.email.split('@')[0])).toEqual([
      'admin',
      'alice',
      'bob',
      'carol',
      'dave',
    ]);
    expect(server.firstAdmin?.email).toBe(server.demoSignIns?.[0]?.email);
    const lines = credentialLines(server).join('\n');
    for (const s of server.demoSignIns ?? []) expect(lines).toContain(s.password);
  });

  it('shows the label waiving the policy, compliance recording and the missing licence', async () => {
    const alice = await sign('alice');
    fails(
      await alice.call('POST', '/api/meetings', {
        subject: 'x',
        options: { endToEndEncryption: true },
      }),
      409,
      'MEETING_REJECTED',
    );
    const labelled = ok(
      await alice.call('POST', '/api/meetings', {
        subject: 'Budget',
        label: 'highly-confidential',
      }),
      meetingResponseSchema,
      201,
    );
    expect(labelled.meeting.endToEndEncryption.source).toBe('label');
    const carol = await sign('carol');
    const recorded = fails(
      await carol.call('POST', '/api/meetings', { subject: 'x', template: 'sensitive' }),
      409,
      'MEETING_REJECTED',
    );
    expect(recorded.reasons?.map((r) => r.code)).toContain('COMPLIANCE_RECORDING_BLOCKS_E2EE');
    const bob = await sign('bob');
    const unlicensed = fails(
      await bob.call('POST', '/api/meetings', { subject: 'x', template: 'sensitive' }),
      409,
      'MEETING_REJECTED',
    );
    expect(unlicensed.reasons?.map((r) => r.code)).toContain('E2EE_REQUIRES_PREMIUM');
    const dave = await sign('dave');
    const sensitive = ok(
      await dave.call('POST', '/api/meetings', { subject: 'x', template: 'sensitive' }),
      meetingResponseSchema,
      201,
    );
    expect(sensitive.meeting.endToEndEncryption).toEqual({
      enabled: true,
      locked: true,
      source: 'template',
    });
  });
});
