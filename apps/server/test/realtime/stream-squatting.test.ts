// Invariant 9 of spec/e2ee.md for media: no participant can claim another's stream. Stream ids
// are predictable (relay id × 4 + kind), so an attacker knows every id a participant will use —
// even one who has not joined yet. Against the real server, an attacker sends on all of them
// before and while the victim sends: none of the attacker's frames may reach anyone, every frame
// of the victim must reach every receiver, and the attacker must be told its frames are refused.
import { describe, expect, it } from 'vitest';
import { decodeEnvelope, type MediaKind } from '../../../../packages/protocol/src/media/index.ts';
import { frame, seqOf } from '../relay/helpers.ts';
import { startedMeeting, type DemoPerson } from './support/deployment.ts';
import { deploymentForFile } from './support/file-deployment.ts';
import type { TestParticipant } from './support/mls-client.ts';

const world = deploymentForFile();
const participant = (who: DemoPerson) => world.participant(who);

const KINDS: readonly MediaKind[] = ['audio', 'camera', 'screen'];
const KIND_CODE: Record<MediaKind, number> = { audio: 1, camera: 2, screen: 3 };
/** What an attacker can work out on its own: relay ids are small and handed out in order. */
const predictedStream = (relayId: number, kind: MediaKind) => relayId * 4 + KIND_CODE[kind];

/** Frames `of` received, as (sender relay id, stream id, seq). */
function received(of: TestParticipant): { sender: number; streamId: number; seq: number }[] {
  return of.socket.frames.flatMap((bytes) => {
    const decoded = decodeEnvelope(bytes);
    const seq = seqOf(bytes);
    if (decoded.kind !== 'ok' || seq === undefined) return [];
    return [{ sender: decoded.envelope.sender, streamId: decoded.envelope.streamId, seq }];
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('media streams belong to the connection the server assigned them to', () => {
  it('refuses an attacker’s frames on another participant’s streams, before they join, before they send and while they send', async () => {
    const meetingId = await startedMeeting(world.people.dave, { e2ee: false });
    const dave = await participant('dave');
    const mallory = await participant('bob');
    const alice = await participant('alice');
    await dave.join(meetingId, { keyPackage: null });
    await mallory.join(meetingId, { keyPackage: null });
    await alice.join(meetingId, { keyPackage: null });
    const attacker = mallory.relayId!;

    // Attacker seqs are ≥ 10_000, the victim's below: whose frame arrived is never in doubt.
    let attackSeq = 10_000;
    const squat = (relayIds: readonly number[]) => {
      for (const relayId of relayIds) {
        for (const kind of KINDS) {
          mallory.socket.sendRaw(
            frame({
              sender: attacker,
              streamId: predictedStream(relayId, kind),
              mediaKind: kind,
              keyFrame: true,
              seq: attackSeq++,
            }),
          );
        }
      }
    };

    // Before the victim joins: the streams of everyone present and of the next relay ids.
    const present = [dave.relayId!, alice.relayId!];
    const future = Array.from({ length: 4 }, (_, i) => Math.max(attacker, ...present) + 1 + i);
    squat([...present, ...future]);
    await sleep(100);

    const victim = await participant('admin');
    await victim.join(meetingId, { keyPackage: null });
    const v = victim.relayId!;
    expect(future).toContain(v); // the squatted ids were the victim's before it joined

    // Joined, not sending yet: squatted again.
    squat([v]);
    await sleep(100);

    // The victim sends on its streams while the attacker keeps sending on them.
    let victimSeq = 0;
    const expected: { sender: number; streamId: number; seq: number }[] = [];
    for (let round = 0; round < 5; round++) {
      for (const kind of KINDS) {
        const streamId = predictedStream(v, kind);
        victim.socket.sendRaw(
          frame({ sender: v, streamId, mediaKind: kind, keyFrame: round === 0, seq: victimSeq }),
        );
        expected.push({ sender: v, streamId, seq: victimSeq++ });
      }
      squat([v]);
    }
    // The attacker also stamps the victim's relay id on the victim's stream: still refused.
    mallory.socket.sendRaw(
      frame({
        sender: v,
        streamId: predictedStream(v, 'camera'),
        keyFrame: true,
        seq: attackSeq++,
      }),
    );

    for (const receiver of [dave, alice, mallory]) {
      await receiver.socket.until(
        () => received(receiver).filter((f) => f.sender === v).length === expected.length,
        8_000,
        `every frame of the victim at ${receiver.name}`,
      );
    }
    await sleep(200);
    for (const receiver of [dave, alice, mallory]) {
      expect(received(receiver)).toEqual(expected);
    }
    expect(received(victim)).toEqual([]);

    // The attacker was told, per stream and rate-limited; the victim was told nothing.
    const notices = mallory.socket.all('frame-refused');
    const squatted = [...present, ...future].flatMap((id) =>
      KINDS.map((kind) => predictedStream(id, kind)),
    );
    expect(new Set(notices.map((n) => n.streamId))).toEqual(new Set(squatted));
    for (const streamId of squatted) {
      const forStream = notices.filter((n) => n.streamId === streamId);
      expect(forStream[0]).toMatchObject({ meetingId, reason: 'stream_not_owned', frames: 1 });
    }
    expect(notices.filter((n) => n.reason === 'spoofed_sender')).toEqual([
      {
        type: 'frame-refused',
        meetingId,
        streamId: predictedStream(v, 'camera'),
        mediaKind: 'camera',
        reason: 'spoofed_sender',
        frames: 1,
      },
    ]);
    expect(victim.socket.all('frame-refused')).toEqual([]);
    for (const p of [dave, mallory, alice, victim]) expect(p.socket.invalid).toEqual([]);
  });

  it('tells a refused sender at most once per stream per second, with how many frames it lost', async () => {
    const meetingId = await startedMeeting(world.people.dave, { e2ee: false });
    const dave = await participant('dave');
    const mallory = await participant('bob');
    await dave.join(meetingId, { keyPackage: null });
    await mallory.join(meetingId, { keyPackage: null });
    const target = predictedStream(dave.relayId!, 'camera');
    const burst = (from: number, count: number) => {
      for (let seq = from; seq < from + count; seq++)
        mallory.socket.sendRaw(frame({ sender: mallory.relayId!, streamId: target, seq }));
    };

    const started = Date.now();
    burst(0, 40);
    await mallory.socket.waitFor('frame-refused');
    await sleep(300);
    const inBurst = mallory.socket.all('frame-refused');
    // One notice for the whole burst, unless a busy machine stretched it past the interval.
    if (Date.now() - started < 1_000) expect(inBurst).toHaveLength(1);
    expect(inBurst[0]).toMatchObject({ streamId: target, reason: 'stream_not_owned', frames: 1 });

    // A full interval after the last notice, the next refusal reports every frame refused since.
    await sleep(1_100);
    burst(40, 1);
    await mallory.socket.until(() => mallory.socket.all('frame-refused').length > inBurst.length);
    const all = mallory.socket.all('frame-refused');
    expect(all.reduce((sum, n) => sum + n.frames, 0)).toBe(41);
    expect(received(dave)).toEqual([]);
  });
});
