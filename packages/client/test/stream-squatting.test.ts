// What a sender's statistics say when the relay refuses its frames (invariant 9 of spec/e2ee.md:
// nobody can take over another participant's media stream). Against the real server: a member
// that sends on another's streams through its own socket does not silence the victim, whose
// frames reach everyone and are counted sent; and an SDK whose frames the relay refuses counts
// them as refused, with the relay's reason, instead of sent, and hears of it as an event.
import { describe, expect, it } from 'vitest';
import type { Meeting, MediaKind, MeetingEvents } from '../src/index.ts';
import { encodeEnvelopeHeader } from '../src/wire.ts';
import { until } from './support/people.ts';
import { realServerForFile, startedMeeting, type Tapped } from './support/real-server.ts';

const world = realServerForFile();
const people = (...names: string[]): Promise<Tapped[]> => world.people(...names);

const KIND_CODE: Record<MediaKind, number> = { audio: 1, camera: 2, screen: 3 };
/** The ids an attacker predicts for a relay id. */
const predictedStream = (relayId: number, kind: MediaKind) => relayId * 4 + KIND_CODE[kind];
const bytes = (...values: number[]) => Uint8Array.from(values);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function refusals(meeting: Meeting): MeetingEvents['frameRefused'][] {
  const seen: MeetingEvents['frameRefused'][] = [];
  meeting.on('frameRefused', (event) => seen.push(event));
  return seen;
}

describe('a sender whose frames the relay refuses', () => {
  it('cannot be silenced by a member squatting its streams: its frames reach everyone and count as sent', async () => {
    const list = await people('alice', 'bob', 'carol');
    const [alice, bob, carol] = list as [Tapped, Tapped, Tapped];
    const id = await startedMeeting(world.server, alice, [bob, carol], false);
    const a = await alice.client.join(id);
    const b = await bob.client.join(id);
    const c = await carol.client.join(id);
    const meetings = [a, b, c];
    await until(meetings, () => meetings.every((m) => m.epoch !== undefined), 5_000, 'keys');
    const atBob: string[] = [];
    b.on('frame', (f) => {
      if (f.sender.relayId === a.relayId) atBob.push(`${f.mediaKind}:${f.data[0]}`);
    });
    const refusedAtCarol = refusals(c);
    const refusedAtAlice = refusals(a);

    // Carol claims each of Alice's streams, through her own socket, before Alice sends.
    const squat = () => {
      for (const kind of ['audio', 'camera', 'screen'] as const) {
        const header = encodeEnvelopeHeader({
          mediaKind: kind,
          keyFrame: true,
          layer: 0,
          streamId: predictedStream(a.relayId!, kind),
          sender: c.relayId!,
          timestampUs: 1,
        });
        carol.tap.sendRaw(Uint8Array.from([...header, 0x00, 0x01, 0x02]));
      }
    };
    squat();
    await sleep(100);

    const sent: string[] = [];
    for (let i = 0; i < 4; i++) {
      for (const kind of ['camera', 'screen', 'audio'] as const) {
        const result = await a.publish(kind, bytes(i, 7), { keyFrame: i === 0 });
        expect(result.kind).toBe('sent');
        sent.push(`${kind}:${i}`);
      }
      squat();
    }
    await until([b], () => atBob.length === sent.length, 5_000, 'every frame of alice at bob');
    expect(atBob).toEqual(sent);
    expect(a.stats().frames).toMatchObject({ sent: sent.length, notSent: 0, refused: {} });
    expect(refusedAtAlice).toEqual([]);
    // Carol's SDK hears the relay refuse what her socket sent.
    await until([c], () => refusedAtCarol.length >= 3, 5_000, 'refusals at carol');
    expect(new Set(refusedAtCarol.map((r) => r.reason))).toEqual(new Set(['stream_not_owned']));
    expect(new Set(refusedAtCarol.map((r) => r.streamId))).toEqual(
      new Set((['audio', 'camera', 'screen'] as const).map((k) => predictedStream(a.relayId!, k))),
    );
  });

  it('counts refused frames as refused with the relay’s reason, not as sent, and emits an event', async () => {
    const list = await people('dan', 'erin');
    const [dan, erin] = list as [Tapped, Tapped];
    const id = await startedMeeting(world.server, dan, [erin], false);
    const d = await dan.client.join(id);
    // Erin's client is told Dan's relay id as its own (a confused server, or a bug): every frame
    // it sends carries another participant's id, and the relay refuses it.
    erin.tap.alterText = (text) => {
      const message = JSON.parse(text) as { type: string; relayId?: number };
      return message.type === 'joined' ? JSON.stringify({ ...message, relayId: d.relayId }) : text;
    };
    const e = await erin.client.join(id);
    const refused = refusals(e);
    await until([d, e], () => d.epoch !== undefined && e.epoch !== undefined, 5_000, 'keys');

    for (let i = 0; i < 5; i++) expect((await e.publish('audio', bytes(i))).kind).toBe('sent');
    await until([e], () => refused.length === 1, 5_000, 'the first refusal');
    const stream = predictedStream(d.relayId!, 'audio');
    expect(refused).toEqual([
      { streamId: stream, mediaKind: 'audio', reason: 'spoofed_sender', frames: 1 },
    ]);
    expect(e.stats().frames).toMatchObject({ sent: 4, refused: { spoofed_sender: 1 } });

    // Rate-limited: the next notice, a second later, carries the frames refused in between.
    await sleep(1_100);
    expect((await e.publish('audio', bytes(9))).kind).toBe('sent');
    await until([e], () => refused.length === 2, 5_000, 'the second refusal');
    expect(refused[1]).toEqual({
      streamId: stream,
      mediaKind: 'audio',
      reason: 'spoofed_sender',
      frames: 5,
    });
    expect(e.stats().frames).toMatchObject({ sent: 0, refused: { spoofed_sender: 6 } });
    expect(d.stats().frames.decrypted).toBe(0);
  });
});
