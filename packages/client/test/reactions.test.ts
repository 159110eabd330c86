// Raise hand and reactions (issue 14), against the real server with real MLS. In an E2EE meeting
// both travel as MLS application messages the server cannot read: a raised hand is part of the
// media state (said again after every epoch, so a later member sees it), a reaction is a moment
// (never repeated); a member claiming another's leaf is not believed, and the server refuses a
// `reaction` in the clear. In a standard meeting both go through the server.
import type { MeetingState } from '@conclave/crypto/member';
import { describe, expect, it } from 'vitest';
import type { Meeting, Reaction, ReactionName } from '../src/index.ts';
import { encodeAppPayload } from '../src/meeting/app-payload.ts';
import { handMadeAppMessages } from './support/member-messages.ts';
import { until } from './support/people.ts';
import { realServerForFile, startedMeeting, type Tapped } from './support/real-server.ts';

const world = realServerForFile();
const people = (...names: string[]): Promise<Tapped[]> => world.people(...names);

function reactions(meeting: Meeting): Reaction[] {
  const got: Reaction[] = [];
  meeting.on('reaction', (r) => got.push(r));
  return got;
}

describe('raise hand and reactions in an E2EE meeting', () => {
  it('travel as MLS, a later member sees the raised hand, reactions are not repeated, forged leaves are dropped', async () => {
    const list = await people('alice', 'bob', 'carol');
    const [alice, bob, carol] = list as [Tapped, Tapped, Tapped];
    const id = await startedMeeting(world.server, alice, [bob, carol], true);
    const a = await alice.client.join(id);
    const b = await bob.client.join(id);
    await until([a, b], () => a.epoch === 1n && b.epoch === 1n, 15_000, 'epoch 1');
    const atBob = reactions(b);

    await a.setMediaState({ hand: true });
    await a.react('applause');
    await until([a, b], () => atBob.length === 1, 5_000, 'reaction at bob');
    expect(atBob[0]).toMatchObject({
      from: { participantId: a.participantId, userId: alice.userId, displayName: 'alice' },
      reaction: 'applause',
      e2ee: true,
    });
    await until([a, b], () => b.mediaStateOf(a.participantId!)?.state.hand === true, 5_000, 'hand');
    expect(a.stats().reactions).toEqual({ sent: 1, received: 0, dropped: 0 });
    // The server relayed ciphertext only: no reaction or hand in the clear.
    const relayed = bob.tap.text.map((t) => JSON.parse(t) as { type: string });
    expect(relayed.some((m) => m.type === 'reaction' || m.type === 'media-state')).toBe(false);
    expect(bob.tap.text.some((t) => t.includes('applause') || t.includes('"hand"'))).toBe(false);

    // Carol joins later: she sees the raised hand (said again in her epoch), not the old reaction.
    let carolState: MeetingState | undefined;
    const c = carol.client.meeting(id, { inspect: (s) => (carolState = s) });
    const atCarol = reactions(c);
    await c.join();
    const three = [a, b, c];
    await until(three, () => three.every((m) => m.epoch === 2n), 15_000, 'epoch 2');
    await until(three, () => c.mediaStateOf(a.participantId!)?.state.hand === true, 5_000, 'hand');
    expect(atCarol).toEqual([]);

    // Hand down: everyone sees it.
    await a.setMediaState({ hand: false });
    await until(
      three,
      () => [b, c].every((m) => m.mediaStateOf(a.participantId!)?.state.hand === false),
      5_000,
      'hand down',
    );

    // Carol, a member, makes a reaction claiming Alice's leaf, then an honest one of her own.
    const send = await handMadeAppMessages(carolState!, carol.tap, id, () => c.epoch);
    const reactAsCarol = (leafIndex: number, reaction: ReactionName) =>
      send(encodeAppPayload({ kind: 'reaction', reaction, leafIndex }));
    await reactAsCarol(a.leafIndex!, 'heart');
    await reactAsCarol(c.leafIndex!, 'laugh');
    await until(three, () => atBob.length === 2, 5_000, 'carol at bob');
    expect(atBob[1]).toMatchObject({
      from: { participantId: c.participantId, userId: carol.userId },
      reaction: 'laugh',
    });
    expect(b.stats().reactions).toMatchObject({ received: 2, dropped: 1 });

    // A reaction in the clear is refused in an E2EE meeting, and reaches nobody.
    const errorsBefore = carol.tap.text.filter((t) => t.includes('"not_allowed"')).length;
    carol.tap.sendText(JSON.stringify({ type: 'reaction', meetingId: id, reaction: 'heart' }));
    await until(
      three,
      () => carol.tap.text.filter((t) => t.includes('"not_allowed"')).length > errorsBefore,
      5_000,
      'refused',
    );
    expect(alice.tap.text.some((t) => t.includes('"type":"reaction"'))).toBe(false);
  });
});

describe('raise hand and reactions in a standard meeting', () => {
  it('go through the server, which hands a raised hand to whoever joins later', async () => {
    const list = await people('erin', 'frank', 'grace');
    const [erin, frank, grace] = list as [Tapped, Tapped, Tapped];
    const id = await startedMeeting(world.server, erin, [frank, grace], false);
    const e = await erin.client.join(id);
    const f = await frank.client.join(id);
    const atFrank = reactions(f);
    await e.setMediaState({ hand: true });
    await e.react('thumbs-up');
    await until([e, f], () => atFrank.length === 1, 5_000, 'reaction at frank');
    expect(atFrank[0]).toMatchObject({
      from: { participantId: e.participantId, userId: erin.userId },
      reaction: 'thumbs-up',
      e2ee: false,
    });
    expect(frank.tap.text.some((t) => t.includes('"type":"reaction"'))).toBe(true);

    const g = await grace.client.join(id);
    expect(g.mediaStateOf(e.participantId!)?.state.hand).toBe(true);

    // Names outside the list are refused by the SDK, and by the server when sent by hand.
    await expect(e.react('shrug' as ReactionName)).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    erin.tap.sendText(JSON.stringify({ type: 'reaction', meetingId: id, reaction: 'shrug' }));
    await until([e], () => erin.tap.text.some((t) => t.includes('"bad_message"')), 5_000, 'bad');
    expect(f.stats().reactions.received).toBe(1);
  });
});
