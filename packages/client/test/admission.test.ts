// Who an E2EE meeting may contain, on the real server: members read the meeting's admission list
// (organizer, invitees, everyone admitted otherwise) and refuse a credential of anyone else, even
// a registered device of the tenant whose key matches the directory; someone without an invitation
// (an admin, or a colleague with the link) waits in the lobby and, once the organizer lets them
// in, is recorded as admitted, so members accept them and can see why.
import {
  createMlsCrypto,
  generateKeyPackage,
  groupId,
  proposeExternalAdd,
  type MeetingState,
} from '@conclave/crypto/member';
import type { AdmissionList } from '@conclave/protocol';
import { describe, expect, it } from 'vitest';
import { ConclaveClient, MemoryStore, type MeetingEvents } from '../src/index.ts';
import { nodeWebSocketFactory } from '../src/node.ts';
import { toBase64 } from '../src/bytes.ts';
import { until } from './support/people.ts';
import { api, realServerForFile, startedMeeting } from './support/real-server.ts';
import { stolenServerKey } from './support/stolen-server-key.ts';

const world = realServerForFile();

describe('who an E2EE meeting may contain', () => {
  it('refuses an Add, validly signed by the server key, of a registered colleague no one admitted', async () => {
    const [alice, bob, mallory] = await world.people('alice', 'bob', 'mallory');
    const id = await startedMeeting(world.server, alice!, [bob!], true);
    let state: MeetingState | undefined;
    const meetings = [
      await alice!.client.join(id, { inspect: (s) => (state = s) }),
      await bob!.client.join(id),
    ];
    await until(meetings, () => meetings.every((m) => m.epoch === 1n), 15_000, 'epoch 1');
    const refused: string[] = [];
    for (const m of meetings)
      m.on('refused', (r) => refused.push(`${r.reason}:${r.identity?.userId}`));

    // Mallory's device is registered and its key is the directory's: only the meeting's list
    // leaves her out. A compromised server (its external-sender key) proposes her Add.
    const crypto = await createMlsCrypto();
    const signer = await stolenServerKey(world.server.dataDir);
    const keyPackage = await generateKeyPackage(crypto, mallory!.client.device);
    const proposal = await proposeExternalAdd(
      crypto,
      signer,
      { groupId: groupId(state!), epoch: 1n },
      keyPackage.publicBytes,
    );
    for (const p of [alice!, bob!]) {
      p.tap.inject({
        type: 'proposal',
        meetingId: id,
        proposalId: 'forged-mallory',
        epoch: '1',
        message: toBase64(proposal),
        kind: 'add',
        participantId: 'mallory-1',
      });
    }
    await until(meetings, () => refused.length === 2, 5_000, 'refusals');
    expect(refused).toEqual([`not_admitted:${mallory!.userId}`, `not_admitted:${mallory!.userId}`]);
    await new Promise((r) => setTimeout(r, 200));
    expect(meetings.every((m) => m.epoch === 1n && m.roster.length === 2)).toBe(true);
    // The meeting's list, as members read it, names the organizer and the invitee only.
    const list = await api<AdmissionList>(
      world.server,
      alice!.token,
      'GET',
      `/api/directory/admissions/${id}`,
    );
    expect(list.users.map((u) => [u.userId, u.basis])).toEqual([
      [alice!.userId, 'organizer'],
      [bob!.userId, 'invitee'],
    ]);
    // Someone the list does not name cannot read it: the meeting does not exist for them.
    await expect(
      api(world.server, mallory!.token, 'GET', `/api/directory/admissions/${id}`),
    ).rejects.toThrow(/HTTP 404/);
  });

  it('lets an uninvited admin and a colleague with the link in only from the lobby; members accept them', async () => {
    const [alice, bob, carol] = await world.people('alice', 'bob', 'carol');
    const id = await startedMeeting(world.server, alice!, [bob!], true);
    const meetings = [await alice!.client.join(id), await bob!.client.join(id)];
    const refused: string[] = [];
    for (const m of meetings) m.on('refused', (r) => refused.push(r.reason));
    const admin = await ConclaveClient.connect({
      server: world.server.url,
      auth: { token: world.server.adminToken },
      store: new MemoryStore(),
      webSocket: nodeWebSocketFactory(),
    });
    try {
      // Neither is invited: both wait to be let in (admins enter like anyone else).
      const waiting = [admin.meeting(id), carol!.client.meeting(id)];
      const inLobby = waiting.map(
        (m) => new Promise<MeetingEvents['lobby']>((resolve) => m.once('lobby', resolve)),
      );
      const joins = waiting.map((m) => m.join());
      for (const l of await Promise.all(inLobby))
        expect(l.reasons.map((r) => r.code)).toEqual(['AWAITING_ADMISSION']);
      expect(meetings.every((m) => m.roster.length === 2)).toBe(true);
      // A plain admit does not do in an E2EE meeting: the organizer's device signs who enters.
      await expect(
        api(world.server, alice!.token, 'POST', `/api/meetings/${id}/lobby/${carol!.userId}/admit`),
      ).rejects.toThrow(/409/);
      for (const userId of [admin.user.id, carol!.userId])
        await alice!.client.admissions.admit(id, [userId]);
      await Promise.all(joins);
      meetings.push(...waiting);
      await until(
        meetings,
        () => meetings.every((m) => m.roster.length === 4 && m.epoch === meetings[0]!.epoch),
        20_000,
        'four members on one epoch',
      );
      expect(refused).toEqual([]);
      const list = await api<AdmissionList>(
        world.server,
        bob!.token,
        'GET',
        `/api/directory/admissions/${id}`,
      );
      expect(list.users.map((u) => [u.userId, u.basis, u.via])).toEqual([
        [alice!.userId, 'organizer', undefined],
        [bob!.userId, 'invitee', undefined],
        [admin.user.id, 'admitted', 'lobby'],
        [carol!.userId, 'admitted', 'lobby'],
      ]);
      const audit = await api<{
        entries: { kind: string; actor: { id: string }; details: { via?: string } }[];
      }>(world.server, world.server.adminToken, 'GET', '/api/admin/audit?kind=meeting.admitted');
      expect(audit.entries.map((e) => [e.details.via, e.actor.id])).toEqual([
        ['lobby', alice!.userId],
        ['lobby', alice!.userId],
      ]);
    } finally {
      admin.close();
    }
  });

  it('a 1:1 call may contain its two sides', async () => {
    const [alice, bob] = await world.people('alice', 'bob');
    const { call } = await api<{ call: { id: string } }>(
      world.server,
      alice!.token,
      'POST',
      '/api/calls',
      { callee: bob!.userId },
    );
    const list = await api<AdmissionList>(
      world.server,
      bob!.token,
      'GET',
      `/api/directory/admissions/${call.id}`,
    );
    expect(list).toMatchObject({ id: call.id, kind: 'call' });
    expect(list.users.map((u) => [u.userId, u.basis])).toEqual([
      [alice!.userId, 'caller'],
      [bob!.userId, 'callee'],
    ]);
  });
});
