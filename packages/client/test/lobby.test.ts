// The SDK waiting for a meeting to start, on the real server: `join()` on a meeting not started
// reports `lobby` with the sentence to show, does not time out while the organizer is away, and
// resolves by itself once the meeting starts — in the same MLS group as the organizer. A meeting
// cancelled while someone waits ends their join with `join_blocked`.
import { describe, expect, it } from 'vitest';
import { ClientError, type MeetingEvents } from '../src/index.ts';
import { api, realServerForFile, type RealPerson } from './support/real-server.ts';

// No periodic second look on the server: only the start may let Bob in.
const world = realServerForFile({ lobbyRecheckMs: 0 });

async function scheduled(organizer: RealPerson, invitees: string[]): Promise<string> {
  const { meeting } = await api<{ meeting: { id: string } }>(
    world.server,
    organizer.token,
    'POST',
    '/api/meetings',
    { subject: 'Later', options: { endToEndEncryption: true }, invitees },
  );
  await organizer.client.admissions.setInvitees(meeting.id, invitees);
  return meeting.id;
}

describe('waiting for the organizer', () => {
  it('waits past its join time-out and enters when the meeting starts', async () => {
    const [alice, bob] = await world.people('alice', 'bob');
    const id = await scheduled(alice!, [bob!.userId]);
    const bobMeeting = bob!.client.meeting(id, { timeoutMs: 1_000 });
    const lobby: MeetingEvents['lobby'][] = [];
    bobMeeting.on('lobby', (l) => lobby.push(l));
    let joined = false;
    const joining = bobMeeting.join().then(() => (joined = true));

    // Twice the join time-out passes while the meeting has not started: still waiting.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(lobby.map((l) => l.reasons.map((r) => r.code))).toEqual([['MEETING_NOT_STARTED']]);
    expect(lobby[0]?.reasons[0]?.message).toMatch(/^Waiting for the organizer to start/);
    expect(joined).toBe(false);
    expect(bobMeeting.phase).toBe('joining');

    await api(world.server, alice!.token, 'POST', `/api/meetings/${id}/start`);
    await joining;
    const aliceMeeting = await alice!.client.join(id);
    await expect
      .poll(() => aliceMeeting.roster.length === 2 && bobMeeting.roster.length === 2, {
        timeout: 20_000,
      })
      .toBe(true);
    expect(bobMeeting.securityCode).toBe(aliceMeeting.securityCode);
  });

  it('ends the wait with the reason when the meeting is cancelled', async () => {
    const [carol, dave] = await world.people('carol', 'dave');
    const id = await scheduled(carol!, [dave!.userId]);
    const daveMeeting = dave!.client.meeting(id);
    const waiting = new Promise((resolve) => daveMeeting.once('lobby', resolve));
    const joining = daveMeeting.join();
    await waiting;
    await api(world.server, carol!.token, 'POST', `/api/meetings/${id}/end`);
    const error = await joining.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ClientError);
    expect((error as ClientError).code).toBe('join_blocked');
    expect((error as ClientError).reasons.map((r) => r.code)).toEqual(['MEETING_NOT_FOUND']);
  });
});
