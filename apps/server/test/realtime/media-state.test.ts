// Announced media state over the real signaling socket. Standard meetings: `media-state` is
// validated, relayed to the others (not echoed), kept in memory for whoever joins later (right
// after `participants`), and forgotten when its participant goes. E2EE meetings: refused, since
// members say it inside the group where the server cannot read it.
import { describe, expect, it } from 'vitest';
import { startedMeeting, type DemoPerson } from './support/deployment.ts';
import { deploymentForFile } from './support/file-deployment.ts';

const world = deploymentForFile();
const participant = (who: DemoPerson) => world.participant(who);

const muted = { microphone: false, camera: true, screen: false };

describe('media state in a standard meeting', () => {
  it('is relayed to the others, handed to a later joiner, and forgotten when its sender leaves', async () => {
    const meetingId = await startedMeeting(world.people.dave, { e2ee: false });
    const dave = await participant('dave');
    const bob = await participant('bob');
    await dave.join(meetingId, { keyPackage: null });
    await bob.join(meetingId, { keyPackage: null });

    dave.socket.send({ type: 'media-state', meetingId, state: muted });
    expect(await bob.socket.waitFor('media-state')).toEqual({
      type: 'media-state',
      meetingId,
      from: dave.participantId,
      state: muted,
    });

    // A later joiner hears it at once, between the participant list and its first media key.
    const alice = await participant('alice');
    await alice.join(meetingId, { keyPackage: null });
    await alice.socket.waitFor('media-key');
    const types = alice.socket.received.map((m) => m.type);
    const told = alice.socket.all('media-state');
    expect(told).toEqual([
      { type: 'media-state', meetingId, from: dave.participantId, state: muted },
    ]);
    expect(types.indexOf('participants')).toBeLessThan(types.indexOf('media-state'));
    expect(types.indexOf('media-state')).toBeLessThan(types.indexOf('media-key'));

    // Only the last state is kept; the sender is never sent its own.
    const sharing = { microphone: true, camera: true, screen: true };
    dave.socket.send({ type: 'media-state', meetingId, state: sharing });
    await alice.socket.waitFor('media-state', (m) => m.state.screen);
    await bob.socket.waitFor('media-state', (m) => m.state.screen);
    expect(dave.socket.all('media-state')).toEqual([]);
    const carol = await participant('carol');
    await carol.join(meetingId, { keyPackage: null });
    await carol.socket.waitFor('media-key');
    expect(carol.socket.all('media-state').map((m) => m.state)).toEqual([sharing]);

    dave.leave();
    await bob.socket.waitFor('participant-left', (m) => m.participantId === dave.participantId);
    const late = await participant('admin');
    await late.join(meetingId, { keyPackage: null });
    await late.socket.waitFor('media-key');
    expect(late.socket.all('media-state')).toEqual([]);
  });

  it('refuses a malformed state and keeps serving', async () => {
    const meetingId = await startedMeeting(world.people.dave, { e2ee: false });
    const dave = await participant('dave');
    const bob = await participant('bob');
    await dave.join(meetingId, { keyPackage: null });
    await bob.join(meetingId, { keyPackage: null });
    for (const state of [
      { microphone: 'off', camera: true, screen: false },
      { camera: true },
      null,
    ]) {
      const before = dave.socket.all('error').length;
      dave.socket.send({ type: 'media-state', meetingId, state });
      await dave.socket.until(() => dave.socket.all('error').length > before);
      expect(dave.socket.all('error').at(-1)).toMatchObject({ code: 'bad_message' });
    }
    dave.socket.send({ type: 'media-state', meetingId, state: muted });
    const relayed = await bob.socket.waitFor('media-state');
    expect(relayed.state).toEqual(muted);
    expect(bob.socket.all('media-state')).toHaveLength(1);
  });
});

describe('media state in an E2EE meeting', () => {
  it('is not taken as signaling: members say it inside the group', async () => {
    const meetingId = await startedMeeting(world.people.dave, { e2ee: true });
    const dave = await participant('dave');
    await dave.join(meetingId);
    await dave.reachEpoch(0n);
    dave.socket.send({ type: 'media-state', meetingId, state: muted });
    expect(await dave.socket.waitFor('error')).toMatchObject({ code: 'not_allowed' });
  });
});
