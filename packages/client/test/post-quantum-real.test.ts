// A post-quantum E2EE meeting on the real server (issue 13): the tenant requires the X-Wing suite;
// two SDK clients join on MLS 0x0053, agree on the security code and exchange media under SFrame
// 0x0005; a client that does not declare the suite is refused with POST_QUANTUM_REQUIRED — never
// let in on a weaker suite.
import { describe, expect, it } from 'vitest';
import { ClientError, type Meeting, type ReceivedFrame } from '../src/index.ts';
import { codes, sendingUnderEpoch, until } from './support/people.ts';
import { api, realPerson, realServerForFile, startedMeeting } from './support/real-server.ts';

const world = realServerForFile();

describe('a post-quantum meeting on the real server', () => {
  it('runs on X-Wing with SFrame AES-256-GCM, and refuses a client that cannot do it', async () => {
    const { server } = world;
    await api(server, server.adminToken, 'PATCH', '/api/admin/tenant', {
      e2ee: { postQuantum: true },
    });
    const [alice, bob] = await world.people('alice', 'bob');
    const older = await realPerson(server, 'olga', { clientInfo: { postQuantum: false } });
    try {
      const id = await startedMeeting(server, alice!, [bob!, older], true);
      const { meeting } = await api<{
        meeting: { endToEndEncryption: { postQuantum?: { source: string } } };
      }>(server, alice!.token, 'GET', `/api/meetings/${id}`);
      expect(meeting.endToEndEncryption.postQuantum).toEqual({ source: 'tenant' });

      const meetings: Meeting[] = [];
      for (const p of [alice!, bob!]) meetings.push(await p.client.join(id));
      await until(meetings, () => meetings.every((m) => m.epoch === 1n), 15_000, 'epoch 1');
      await sendingUnderEpoch(meetings);
      expect(new Set(codes(meetings)).size).toBe(1);
      // The server told the suite, and the group runs on it.
      const joined = alice!.tap.text.map(
        (t) => JSON.parse(t) as { type: string; mls?: { cipherSuite: number } },
      );
      expect(joined.find((m) => m.type === 'joined')?.mls?.cipherSuite).toBe(0x0053);

      const [a, b] = meetings as [Meeting, Meeting];
      const atBob: ReceivedFrame[] = [];
      b.on('frame', (f) => atBob.push(f));
      await a.publish('audio', Uint8Array.from([1, 2, 3]));
      await until(meetings, () => atBob.length === 1, 5_000, 'frame at bob');
      expect([...atBob[0]!.data]).toEqual([1, 2, 3]);
      // Both rings are on SFrame 0x0005 (a 0x0004 ring cannot take the 32-byte exported key;
      // packages/crypto/test/mls/post-quantum.test.ts), so the frame decrypted under it.
      expect(bob!.tap.binary.length).toBeGreaterThan(0);

      const refused = older.client.meeting(id);
      const error = await refused.join().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ClientError);
      expect((error as ClientError).code).toBe('join_blocked');
      const reasons = (error as ClientError).reasons;
      expect(reasons.map((r) => r.code)).toEqual(['POST_QUANTUM_REQUIRED']);
      expect(reasons[0]!.message).toContain("this organization's setting requires it");
      expect(meetings.every((m) => m.roster.length === 2)).toBe(true);
    } finally {
      older.client.close();
      await api(server, server.adminToken, 'PATCH', '/api/admin/tenant', {
        e2ee: { postQuantum: false },
      });
    }
  });
});
