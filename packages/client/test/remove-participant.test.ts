// Removing people from a meeting, and revoked sessions leaving at once (issue #4), with SDK clients
// on the real server: real WebSockets, relay, delivery service and MLS. The organizer removes a
// participant over REST; the removed one is told why and gets no further media, the others rekey
// to a new code, and the removed user cannot come back while the meeting runs. A session
// that is signed out, or a user whose password an admin resets, leaves the same way.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { bootstrapAdmin } from '@conclave/server';
import { describe, expect, it } from 'vitest';
import { ClientError, type Meeting, type MeetingEvents } from '../src/index.ts';
import { codes, until } from './support/people.ts';
import { api, realServerForFile, startedMeeting, type Tapped } from './support/real-server.ts';

const world = realServerForFile();
const people = (...names: string[]): Promise<Tapped[]> => world.people(...names);

/** The HTTP status and body, without throwing on a refusal. */
async function call(
  token: string,
  method: string,
  path: string,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${world.server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

function nextRemoved(meeting: Meeting): Promise<MeetingEvents['removed']> {
  return new Promise((resolve) => meeting.once('removed', resolve));
}

interface Roster {
  meetingId: string;
  endToEndEncryption: boolean;
  participants: {
    participantId: string;
    userId: string;
    displayName: string;
    deviceId: string;
    joinedAt: string;
    leafIndex?: number;
  }[];
}

interface AuditEntry {
  kind: string;
  subject: string;
  actor: { id: string } | null;
  details: Record<string, unknown>;
}

async function audit(kind: string): Promise<AuditEntry[]> {
  const answer = await api<{ entries: AuditEntry[] }>(
    world.server,
    world.server.adminToken,
    'GET',
    `/api/admin/audit?kind=${kind}&limit=200`,
  );
  return answer.entries;
}

const bytes = (...values: number[]) => Uint8Array.from(values);

/** An organizer and two invitees in one E2EE meeting, all three in the group at epoch 2. */
async function threeInAMeeting(...names: [string, string, string]) {
  const [organizer, alice, bob] = (await people(...names)) as [Tapped, Tapped, Tapped];
  const id = await startedMeeting(world.server, organizer, [alice, bob], true);
  const o = await organizer.client.join(id);
  const a = await alice.client.join(id);
  const b = await bob.client.join(id);
  const three = [o, a, b];
  await until(
    three,
    () => three.every((m) => m.epoch === 2n && m.roster.length === 3),
    15_000,
    'three members at epoch 2',
  );
  return { organizer, alice, bob, id, o, a, b, three };
}

describe('removing a participant from an E2EE meeting', () => {
  it('takes them out at once, rekeys the others to a new code, refuses their rejoin while the meeting runs, and audits who removed whom', async () => {
    const { organizer, alice, bob, id, o, a, b, three } = await threeInAMeeting(
      'organizer',
      'alice',
      'bob',
    );
    const codeOfThree = o.securityCode;

    // The live roster: organizer and participants may read it; each member's leaf is the one its
    // own group state holds.
    const roster = await api<Roster>(
      world.server,
      organizer.token,
      'GET',
      `/api/meetings/${id}/participants`,
    );
    expect(roster.endToEndEncryption).toBe(true);
    expect(roster.participants.map((p) => p.participantId).sort()).toEqual(
      three.map((m) => m.participantId).sort(),
    );
    for (const m of three) {
      const entry = roster.participants.find((p) => p.participantId === m.participantId);
      expect(entry?.leafIndex).toBe(m.leafIndex);
      expect(entry?.deviceId).toMatch(/./);
      expect(Date.parse(entry?.joinedAt ?? '')).not.toBeNaN();
    }
    const seenByAlice = await api<Roster>(
      world.server,
      alice.token,
      'GET',
      `/api/meetings/${id}/participants`,
    );
    expect(seenByAlice.participants).toHaveLength(3);

    // Only the organizer (or an admin) may remove.
    const byAlice = await call(
      alice.token,
      'POST',
      `/api/meetings/${id}/participants/${b.participantId}/remove`,
    );
    expect(byAlice.status).toBe(403);
    expect(byAlice.body).toMatchObject({ error: { code: 'FORBIDDEN' } });

    // Media reaches bob before the removal.
    const atBob = bob.tap.binary;
    await o.publish('audio', bytes(1));
    await until(three, () => atBob.length === 1, 5_000, 'a frame at bob');

    const removed = nextRemoved(b);
    const answer = await api<{ removed: string[] }>(
      world.server,
      organizer.token,
      'POST',
      `/api/meetings/${id}/participants/${b.participantId}/remove`,
    );
    expect(answer.removed).toEqual([b.participantId]);
    // The relay let bob go before the answer: nothing sent from now on reaches him.
    const framesAtAlice: number[] = [];
    a.on('frame', (f) => framesAtAlice.push(f.data.length));
    await o.publish('audio', bytes(2, 2));
    await o.publish('audio', bytes(3, 3, 3));
    await until([a], () => framesAtAlice.length === 2, 5_000, 'frames at alice');
    expect(atBob).toHaveLength(1);

    expect(await removed).toEqual({ reason: 'removed-by-organizer' });
    expect(b.phase).toBe('removed');

    // The server proposed bob's Remove; a member committed it; the two left share a new code.
    const two = [o, a];
    await until(
      two,
      () => two.every((m) => m.epoch === 3n && m.roster.length === 2),
      15_000,
      'two members at epoch 3',
    );
    expect(new Set(codes(two)).size).toBe(1);
    expect(o.securityCode).not.toBe(codeOfThree);
    expect(o.roster.map((m) => m.userId).sort()).toEqual([organizer.userId, alice.userId].sort());
    expect(atBob).toHaveLength(1);

    // Bob cannot come back while this run of the meeting lasts.
    const rejoin = await bob.client.join(id).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(rejoin).toBeInstanceOf(ClientError);
    expect((rejoin as ClientError).code).toBe('join_blocked');
    expect((rejoin as ClientError).reasons.map((r) => r.code)).toEqual(['REMOVED_BY_ORGANIZER']);
    expect((rejoin as ClientError).reasons[0]?.message).toMatch(/removed from this meeting/);

    // Audited: who removed whom, from which meeting; no key material.
    const entries = (await audit('meeting.participant.removed')).filter(
      (e) => e.subject === `meeting:${id}`,
    );
    expect(entries).toHaveLength(1);
    const [entry] = entries as [AuditEntry];
    expect(entry.actor?.id).toBe(organizer.userId);
    expect(entry.details).toEqual({
      participantId: b.participantId,
      user: { id: bob.userId, displayName: 'bob' },
      device: expect.any(String) as string,
      reason: 'removed-by-organizer',
      by: 'organizer',
    });
    const blocked = (await audit('join.blocked')).filter((e) => e.subject === `meeting:${id}`);
    expect(blocked.map((e) => e.details.codes)).toEqual([['REMOVED_BY_ORGANIZER']]);

    // The removal lasts as long as this run of the meeting: ending it forgets it (an ended
    // meeting cannot be started again, so nobody is let back in by it).
    const stored = () => {
      const db = new Database(join(world.server.dataDir, 'conclave.sqlite'), { readonly: true });
      try {
        return db.prepare('SELECT user_id FROM meeting_removals WHERE meeting_id = ?').all(id);
      } finally {
        db.close();
      }
    };
    expect(stored()).toEqual([{ user_id: bob.userId }]);
    const ended = [nextRemoved(o), nextRemoved(a)];
    await api(world.server, organizer.token, 'POST', `/api/meetings/${id}/end`);
    expect(await Promise.all(ended)).toEqual([
      { reason: 'meeting-ended' },
      { reason: 'meeting-ended' },
    ]);
    await until([], () => stored().length === 0, 5_000, 'the removal forgotten');
  });

  it('answers not found across tenants and to unknown ids, forbidden to an invitee who is not in, and refuses removing the organizer', async () => {
    const [organizer, alice, invitee] = (await people('organizer2', 'alice2', 'invitee')) as [
      Tapped,
      Tapped,
      Tapped,
    ];
    const id = await startedMeeting(world.server, organizer, [alice, invitee], false);
    const o = await organizer.client.join(id);
    const a = await alice.client.join(id);
    await until([o, a], () => o.participants.length === 2 && a.participants.length === 2);

    const other = await bootstrapAdmin({
      dataDir: world.server.dataDir,
      email: 'admin@other-tenant.example',
      tenant: 'Other tenant',
      passwordCost: { N: 1024, r: 8, p: 1 },
    });
    const signIn = await fetch(`${world.server.url}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: other.email, password: other.password }),
    });
    const otherToken = ((await signIn.json()) as { token: string }).token;
    const remove = `/api/meetings/${id}/participants/${a.participantId}/remove`;
    expect((await call(otherToken, 'POST', remove)).status).toBe(404);
    expect((await call(otherToken, 'GET', `/api/meetings/${id}/participants`)).status).toBe(404);
    const unknown = await call(
      organizer.token,
      'POST',
      `/api/meetings/${id}/participants/nobody/remove`,
    );
    expect(unknown.status).toBe(404);
    expect(
      (await call(organizer.token, 'POST', '/api/meetings/no-such-meeting/participants/x/remove'))
        .status,
    ).toBe(404);

    expect((await call(invitee.token, 'GET', `/api/meetings/${id}/participants`)).status).toBe(403);
    // An admin may remove, but not the organizer from their own meeting.
    const organizerOut = await call(
      world.server.adminToken,
      'POST',
      `/api/meetings/${id}/participants/${o.participantId}/remove`,
    );
    expect(organizerOut.status).toBe(409);
    expect(o.phase).toBe('joined');

    // An admin removing alice: the standard meeting keeps going for the organizer.
    const removed = nextRemoved(a);
    const byAdmin = await api<{ removed: string[] }>(
      world.server,
      world.server.adminToken,
      'POST',
      remove,
    );
    expect(byAdmin.removed).toEqual([a.participantId]);
    expect((await removed).reason).toBe('removed-by-organizer');
    await until([o], () => o.participants.length === 1, 5_000, 'alice gone from the list');
    const entries = (await audit('meeting.participant.removed')).filter(
      (e) => e.subject === `meeting:${id}`,
    );
    expect(entries.map((e) => e.details.by)).toEqual(['admin']);
    await o.leave();
  });
});

describe("removing over the organizer's own socket (Meeting.removeParticipant)", () => {
  it('resolves only once the removal is recorded and the group rekeyed without them, saying each step', async () => {
    const { organizer, bob, id, o, a, b } = await threeInAMeeting('organizer5', 'alice5', 'bob5');
    const codeOfThree = o.securityCode;

    // Only the organizer (or an admin) may: alice is refused, and nothing happens to bob.
    const byAlice = await a.removeParticipant(b.participantId ?? '').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(byAlice).toBeInstanceOf(ClientError);
    expect(byAlice).toMatchObject({ code: 'server', serverCode: 'forbidden' });
    // Not the organizer themselves, and not someone the server did not list.
    await expect(o.removeParticipant(o.participantId ?? '')).rejects.toMatchObject({
      code: 'server',
      serverCode: 'conflict',
    });
    await expect(o.removeParticipant('nobody')).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    expect(b.phase).toBe('joined');

    const steps: MeetingEvents['removal'][] = [];
    o.on('removal', (step) => steps.push(step));
    const removed = nextRemoved(b);
    const result = await o.removeParticipant(b.participantId ?? '');
    // Resolved: recorded, and the organizer's own group no longer holds bob — a new code.
    expect(result.removed).toEqual([b.participantId]);
    expect(steps.map((step) => step.state)).toEqual(['accepted', 'recorded', 'done']);
    expect(o.roster.map((m) => m.userId)).not.toContain(bob.userId);
    expect(o.securityCode).not.toBe(codeOfThree);
    expect(await removed).toEqual({ reason: 'removed-by-organizer' });
    await until([o, a], () => a.epoch === o.epoch, 15_000, 'alice on the same epoch');
    expect(a.securityCode).toBe(o.securityCode);

    const entries = (await audit('meeting.participant.removed')).filter(
      (e) => e.subject === `meeting:${id}`,
    );
    expect(entries.map((e) => [e.actor?.id, e.details.by])).toEqual([
      [organizer.userId, 'organizer'],
    ]);
    const rejoin = await bob.client.join(id).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect((rejoin as ClientError).reasons.map((r) => r.code)).toEqual(['REMOVED_BY_ORGANIZER']);
    await o.leave();
    await a.leave();
  });
});

describe('revoked sessions leave at once', () => {
  it('signing out removes that session from the meeting and the others rekey without it', async () => {
    const [organizer, alice, carol] = (await people('organizer3', 'alice3', 'carol3')) as [
      Tapped,
      Tapped,
      Tapped,
    ];
    const id = await startedMeeting(world.server, organizer, [alice, carol], true);
    const meetings = [
      await organizer.client.join(id),
      await alice.client.join(id),
      await carol.client.join(id),
    ];
    await until(meetings, () => meetings.every((m) => m.epoch === 2n), 15_000, 'epoch 2');
    const [o, a, c] = meetings as [Meeting, Meeting, Meeting];
    const before = o.securityCode;

    const removed = nextRemoved(c);
    await api(world.server, carol.token, 'POST', '/api/auth/sign-out');
    expect(await removed).toEqual({ reason: 'signed-out' });
    expect(c.phase).toBe('removed');
    // The socket was closed by the server after telling why.
    await until(
      [c],
      () => carol.tap.text.some((t) => t.includes('"session_ended"')),
      5_000,
      'session_ended',
    );

    const two = [o, a];
    await until(
      two,
      () => two.every((m) => m.epoch === 3n && m.roster.length === 2),
      15_000,
      'epoch 3 without carol',
    );
    expect(new Set(codes(two)).size).toBe(1);
    expect(o.securityCode).not.toBe(before);
    // The signed-out token opens nothing any more.
    expect((await call(carol.token, 'GET', `/api/meetings/${id}/participants`)).status).toBe(401);
  });

  it('an admin resetting a user’s password signs them out of every meeting', async () => {
    const [organizer, dave] = (await people('organizer4', 'dave4')) as [Tapped, Tapped];
    const id = await startedMeeting(world.server, organizer, [dave], true);
    const o = await organizer.client.join(id);
    const d = await dave.client.join(id);
    await until([o, d], () => o.epoch === 1n && d.epoch === 1n, 15_000, 'epoch 1');

    const removed = nextRemoved(d);
    await api(world.server, world.server.adminToken, 'PATCH', `/api/admin/users/${dave.userId}`, {
      password: 'a-new-password-for-dave',
    });
    expect(await removed).toEqual({ reason: 'signed-out' });
    await until([o], () => o.epoch === 2n && o.roster.length === 1, 15_000, 'organizer alone');
    await o.leave();
  });
});
