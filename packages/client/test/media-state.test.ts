// Participants say what they have on (`setMediaState`) instead of leaving the others to guess from
// silence. Against the real server with real MLS: in an E2EE meeting the state is an MLS
// application message the server cannot read, repeated after every epoch so a later member learns
// it, and never taken as chat; a member claiming another's leaf is not believed. In a standard
// meeting it goes through the server, which hands the last state to whoever joins later.
import type { MeetingState } from '@conclave/crypto/member';
import { describe, expect, it } from 'vitest';
import type { MediaState, MediaStateChange, Meeting } from '../src/index.ts';
import { encodeAppPayload } from '../src/meeting/app-payload.ts';
import { handMadeAppMessages } from './support/member-messages.ts';
import { until } from './support/people.ts';
import { realServerForFile, startedMeeting, type Tapped } from './support/real-server.ts';

const world = realServerForFile();
const people = (...names: string[]): Promise<Tapped[]> => world.people(...names);

function heard(meeting: Meeting): MediaStateChange[] {
  const changes: MediaStateChange[] = [];
  meeting.on('media-state', (change) => changes.push(change));
  return changes;
}

const state = (microphone: boolean, camera: boolean, screen: boolean): MediaState => ({
  microphone,
  camera,
  screen,
});

describe('media state in an E2EE meeting', () => {
  it('reaches the others as MLS, reaches a later member after its epoch, is not chat, and a forged leaf claim is dropped', async () => {
    const list = await people('alice', 'bob', 'carol');
    const [alice, bob, carol] = list as [Tapped, Tapped, Tapped];
    const id = await startedMeeting(world.server, alice, [bob, carol], true);
    const a = await alice.client.join(id);
    const b = await bob.client.join(id);
    await until([a, b], () => a.epoch === 1n && b.epoch === 1n, 15_000, 'epoch 1');
    const atBob = heard(b);
    const chatsAtBob: string[] = [];
    b.on('chat', (m) => chatsAtBob.push(m.text));

    await a.setMediaState({ microphone: true, camera: true });
    await a.setMediaState({ microphone: false });
    await until([a, b], () => atBob.length === 2, 5_000, 'two announcements at bob');
    expect(atBob.map((c) => [c.participantId, c.userId, c.state])).toEqual([
      [a.participantId, alice.userId, state(true, true, false)],
      [a.participantId, alice.userId, state(false, true, false)],
    ]);
    expect(b.mediaStateOf(a.participantId!)?.state).toEqual(state(false, true, false));
    expect(a.mediaStateOf(a.participantId!)?.state).toEqual(state(false, true, false));
    // Bob never said anything: he sends nothing, and nobody claims to know his state.
    expect(a.mediaStateOf(b.participantId!)).toBeUndefined();
    // Not chat, and not readable on the way: the server relayed MLS ciphertext, no media-state.
    expect(chatsAtBob).toEqual([]);
    expect(b.stats().chat).toEqual({ sent: 0, received: 0, dropped: 0 });
    const relayed = bob.tap.text.map((t) => JSON.parse(t) as { type: string });
    expect(relayed.filter((m) => m.type === 'app-message')).toHaveLength(2);
    expect(relayed.some((m) => m.type === 'media-state')).toBe(false);
    expect(bob.tap.text.some((t) => t.includes('"mic"') || t.includes('microphone'))).toBe(false);

    // Carol joins after the mute: Alice says it again in the new epoch, and Carol learns it.
    let carolState: MeetingState | undefined;
    const c = carol.client.meeting(id, { inspect: (s) => (carolState = s) });
    const atCarol = heard(c);
    await c.join();
    const three = [a, b, c];
    await until(three, () => three.every((m) => m.epoch === 2n), 15_000, 'epoch 2');
    await until(three, () => c.mediaStateOf(a.participantId!) !== undefined, 5_000, 'carol learns');
    expect(c.mediaStateOf(a.participantId!)).toMatchObject({
      participantId: a.participantId,
      userId: alice.userId,
      state: state(false, true, false),
    });
    expect(atCarol.map((change) => change.state)).toEqual([state(false, true, false)]);
    // Bob got the repetition too, but it is no news: no event for it.
    await until(three, () => b.stats().mediaState.received === 3, 5_000, 'repetition at bob');
    expect(atBob).toHaveLength(2);
    expect(b.stats().mediaState.sent).toBe(0);
    expect(a.stats().mediaState.sent).toBe(3);

    // Carol, a member, makes MLS application messages herself: one claiming Alice's leaf, then one
    // honest (her own leaf), sent in that order through her own socket.
    const send = await handMadeAppMessages(carolState!, carol.tap, id, () => c.epoch);
    const sendAsCarol = (leafIndex: number, claimed: MediaState) =>
      send(encodeAppPayload({ kind: 'media', state: claimed, leafIndex }));
    await sendAsCarol(a.leafIndex!, state(true, true, true));
    await sendAsCarol(c.leafIndex!, state(false, false, true));
    await until(three, () => b.mediaStateOf(c.participantId!) !== undefined, 5_000, 'carol at bob');
    expect(b.mediaStateOf(c.participantId!)?.state).toEqual(state(false, false, true));
    expect(b.stats().mediaState.dropped).toBe(1);
    expect(b.mediaStateOf(a.participantId!)?.state).toEqual(state(false, true, false));
    expect(atBob.map((change) => change.participantId)).toEqual([
      a.participantId,
      a.participantId,
      c.participantId,
    ]);
    expect(a.stats().mediaState.dropped).toBe(1);

    // Gone participants are forgotten.
    await c.leave();
    await until([a, b], () => b.mediaStateOf(c.participantId!) === undefined, 5_000, 'forgotten');
  });
});

describe('media state in a standard meeting', () => {
  it('goes through the world.server, which hands the last state to whoever joins later', async () => {
    const list = await people('erin', 'frank', 'grace');
    const [erin, frank, grace] = list as [Tapped, Tapped, Tapped];
    const id = await startedMeeting(world.server, erin, [frank, grace], false);
    const e = await erin.client.join(id);
    const f = await frank.client.join(id);
    const atFrank = heard(f);
    await e.setMediaState({ microphone: false, camera: true, screen: true });
    await until([e, f], () => atFrank.length === 1, 5_000, 'announcement at frank');
    expect(atFrank[0]).toMatchObject({
      participantId: e.participantId,
      userId: erin.userId,
      state: state(false, true, true),
    });
    expect(frank.tap.text.some((t) => t.includes('"type":"media-state"'))).toBe(true);
    expect(e.stats().mediaState).toEqual({ sent: 1, received: 0, dropped: 0 });

    // Grace knows it as soon as her join resolves: the server told her before her first key.
    const g = await grace.client.join(id);
    expect(g.mediaStateOf(e.participantId!)?.state).toEqual(state(false, true, true));
    expect(g.mediaStateOf(f.participantId!)).toBeUndefined();

    await e.setMediaState({ screen: false });
    await until(
      [f, g],
      () => g.mediaStateOf(e.participantId!)?.state.screen === false,
      5_000,
      'stop',
    );
    expect(atFrank.map((change) => change.state.screen)).toEqual([true, false]);

    await e.leave();
    await until(
      [f, g],
      () => [f, g].every((m) => m.mediaStateOf(e.participantId!) === undefined),
      5_000,
      'erin forgotten',
    );
  });

  it('refuses a state that is not booleans', async () => {
    const [henry] = await people('henry');
    const meeting = henry!.client.meeting('not-joined');
    await expect(
      meeting.setMediaState({ microphone: 'yes' } as unknown as Partial<MediaState>),
    ).rejects.toMatchObject({ code: 'invalid_argument' });
    // Before joining, a valid state is kept to be said once joined.
    await meeting.setMediaState({ camera: true });
    expect(meeting.stats().mediaState.sent).toBe(0);
    meeting.close();
  });
});
