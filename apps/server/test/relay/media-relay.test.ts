// The relay core with in-memory sinks and a fake clock: forwarding rules, validation, leave,
// back-pressure and key-frame requests, decided synchronously so each case is exact.
import { describe, expect, it } from 'vitest';
import {
  MAX_RELAY_ID,
  encodeControl,
  encodeEnvelope,
  streamIdOf,
} from '../../../../packages/protocol/src/media/index.ts';
import {
  DEFAULT_HARD_LIMIT_BYTES,
  DEFAULT_SOFT_LIMIT_BYTES,
  MediaRelay,
  type RelayMember,
  type RelayOptions,
} from '../../src/realtime/relay/index.ts';
import { FakeSink, frame, seqOf } from './helpers.ts';

const MEETING = 'meeting-1';

function setup(count: number, options: RelayOptions = {}) {
  let clock = 1_000;
  const relay = new MediaRelay({ now: () => clock, ...options });
  const sinks: FakeSink[] = [];
  const members: RelayMember[] = [];
  for (let id = 1; id <= count; id++) {
    const sink = new FakeSink();
    const joined = relay.join(MEETING, id, sink);
    if (joined.kind !== 'joined') throw new Error('join failed');
    sinks.push(sink);
    members.push(joined.member);
  }
  const advance = (ms: number) => {
    clock += ms;
  };
  // By relay id, as the tests speak of participants 1, 2, 3...
  const sink = (id: number): FakeSink => sinks[id - 1] ?? expect.fail(`no participant ${id}`);
  const member = (id: number): RelayMember =>
    members[id - 1] ?? expect.fail(`no participant ${id}`);
  return { relay, sinks, sink, member, advance };
}

describe('forwarding', () => {
  it('sends the same bytes to every other participant and none back to the sender', () => {
    const { relay, sinks, sink } = setup(4);
    const key = frame({ sender: 1, keyFrame: true, seq: 0, size: 3000 });
    const audio = frame({ sender: 1, mediaKind: 'audio', seq: 1, size: 80 });
    expect(relay.onFrame(MEETING, 1, key)).toEqual({ kind: 'forwarded', delivered: 3, dropped: 0 });
    expect(relay.onFrame(MEETING, 1, audio)).toEqual({
      kind: 'forwarded',
      delivered: 3,
      dropped: 0,
    });
    expect(sink(1).sent).toEqual([]);
    for (const sink of sinks.slice(1)) {
      expect(sink.sent).toHaveLength(2);
      expect(sink.sent[0]).toBe(key); // unchanged: the very bytes that came in
      expect(sink.sent[1]).toBe(audio);
    }
    const stats = relay.stats();
    expect(stats.framesReceived).toBe(2);
    expect(stats.framesForwarded).toBe(6);
    expect(stats.bytesForwarded).toBe(3 * (key.length + audio.length));
    expect(stats).toMatchObject({ meetings: 1, participants: 4 });
  });

  it('keeps meetings apart', () => {
    const relay = new MediaRelay();
    const a = new FakeSink();
    const b = new FakeSink();
    const c = new FakeSink();
    relay.join('m1', 1, a);
    relay.join('m1', 2, b);
    relay.join('m2', 3, c);
    relay.onFrame('m1', 1, frame({ sender: 1, keyFrame: true }));
    expect(b.sent).toHaveLength(1);
    expect(c.sent).toHaveLength(0);
  });

  it('rejects a frame whose sender field is not the authenticated participant', () => {
    const { relay, sinks } = setup(3);
    const spoofed = frame({ sender: 2, keyFrame: true });
    expect(relay.onFrame(MEETING, 1, spoofed)).toEqual({
      kind: 'rejected',
      reason: 'spoofed_sender',
    });
    for (const sink of sinks) expect(sink.sent).toEqual([]);
    expect(relay.stats().rejected.spoofed_sender).toBe(1);
  });

  it('counts and drops garbage without removing the participant', () => {
    const { relay, sink, member } = setup(2);
    const garbage = [
      new Uint8Array(0),
      Uint8Array.of(0xc1, 1, 0),
      new TextEncoder().encode('{"type":"hello"}'),
      Uint8Array.of(0xc2, ...new Array<number>(30).fill(0)),
      new Uint8Array(300 * 1024).fill(0xc1),
    ];
    const reasons = garbage.map((bytes) => {
      const result = member(1).receive(bytes);
      return result.kind === 'rejected' ? result.reason : result.kind;
    });
    expect(reasons).toEqual([
      'truncated',
      'truncated',
      'bad_magic',
      'unsupported_version',
      'too_large',
    ]);
    expect(relay.stats().rejected).toMatchObject({
      truncated: 2,
      bad_magic: 1,
      unsupported_version: 1,
      too_large: 1,
    });
    expect(sink(2).sent).toEqual([]);
    expect(member(1).active).toBe(true);
    expect(member(1).receive(frame({ sender: 1, keyFrame: true }))).toMatchObject({
      kind: 'forwarded',
      delivered: 1,
    });
  });

  it('lets a participant send only on its own streams, each with its own kind, whoever sent first', () => {
    const { relay, sink } = setup(3);
    const camera1 = streamIdOf(1, 'camera');
    // Participant 2 tries participant 1's camera stream before 1 ever sent on it, then after.
    expect(
      relay.onFrame(MEETING, 2, frame({ sender: 2, streamId: camera1, keyFrame: true })),
    ).toEqual({
      kind: 'rejected',
      reason: 'stream_not_owned',
    });
    relay.onFrame(MEETING, 1, frame({ sender: 1, keyFrame: true }));
    expect(
      relay.onFrame(MEETING, 2, frame({ sender: 2, streamId: camera1, keyFrame: true })),
    ).toEqual({
      kind: 'rejected',
      reason: 'stream_not_owned',
    });
    expect(
      relay.onFrame(MEETING, 1, frame({ sender: 1, streamId: camera1, mediaKind: 'audio' })),
    ).toEqual({
      kind: 'rejected',
      reason: 'stream_not_owned',
    });
    expect(sink(3).sent).toHaveLength(1);
    expect(relay.stats().rejected.stream_not_owned).toBe(3);
  });

  it('gives each participant one stream per kind and no other', () => {
    const { relay } = setup(2);
    for (const mediaKind of ['audio', 'camera', 'screen'] as const) {
      expect(relay.onFrame(MEETING, 1, frame({ sender: 1, mediaKind, keyFrame: true })).kind).toBe(
        'forwarded',
      );
    }
    // Ids of no one (the kind bits 0), of a participant not (yet) here, of the other participant.
    for (const streamId of [0, 4, 99, streamIdOf(3, 'audio'), streamIdOf(2, 'audio')]) {
      expect(relay.onFrame(MEETING, 1, frame({ sender: 1, streamId, mediaKind: 'audio' }))).toEqual(
        {
          kind: 'rejected',
          reason: 'stream_not_owned',
        },
      );
    }
  });

  it('refuses an invalid relay id and joins after close', () => {
    const relay = new MediaRelay();
    expect(relay.join(MEETING, -1, new FakeSink())).toEqual({
      kind: 'rejected',
      reason: 'invalid_participant_id',
    });
    expect(relay.join(MEETING, 2 ** 32, new FakeSink())).toEqual({
      kind: 'rejected',
      reason: 'invalid_participant_id',
    });
    // Its streams (relay id × 4 + kind) would not fit the envelope's u32.
    expect(relay.join(MEETING, MAX_RELAY_ID + 1, new FakeSink())).toEqual({
      kind: 'rejected',
      reason: 'invalid_participant_id',
    });
    expect(relay.join(MEETING, MAX_RELAY_ID, new FakeSink()).kind).toBe('joined');
    relay.close();
    expect(relay.join(MEETING, 1, new FakeSink())).toEqual({
      kind: 'rejected',
      reason: 'relay_closed',
    });
  });

  it('refuses nonsensical limits', () => {
    expect(() => new MediaRelay({ softLimitBytes: 10, hardLimitBytes: 10 })).toThrow(RangeError);
  });
});

describe('leave', () => {
  it('stops forwarding to the participant before the next frame and closes their sink', () => {
    const { relay, sink } = setup(3);
    relay.onFrame(MEETING, 1, frame({ sender: 1, keyFrame: true, seq: 0 }));
    expect(relay.leave(MEETING, 3, 'removed')).toBe(true);
    const after = frame({ sender: 1, seq: 1 });
    expect(relay.onFrame(MEETING, 1, after)).toEqual({
      kind: 'forwarded',
      delivered: 1,
      dropped: 0,
    });
    const removed = sink(3);
    expect(removed.frames().map(seqOf)).toEqual([0]);
    expect(removed.controls()).toEqual([{ kind: 'removed', reason: 'removed' }]);
    expect(removed.closes).toEqual(['removed']);
    expect(relay.leave(MEETING, 3)).toBe(false);
  });

  it('does not notify a participant who left on their own', () => {
    const { relay, sink } = setup(2);
    relay.leave(MEETING, 2);
    expect(sink(2).sent).toEqual([]);
    expect(sink(2).closes).toEqual(['left']);
  });

  it('ignores frames from a participant after they left, and frees their stream ids', () => {
    const { relay, sink, member } = setup(3);
    relay.onFrame(MEETING, 1, frame({ sender: 1, keyFrame: true }));
    member(1).leave();
    expect(member(1).active).toBe(false);
    expect(member(1).receive(frame({ sender: 1 }))).toEqual({
      kind: 'rejected',
      reason: 'not_in_meeting',
    });
    expect(relay.onFrame(MEETING, 1, frame({ sender: 1 })).kind).toBe('rejected');
    // Participant 2 still may not send on them; the next holder of relay id 1 may, and receivers
    // need its key frame first.
    expect(
      relay.onFrame(MEETING, 2, frame({ sender: 2, streamId: streamIdOf(1, 'camera') })),
    ).toEqual({
      kind: 'rejected',
      reason: 'stream_not_owned',
    });
    relay.join(MEETING, 1, new FakeSink());
    expect(relay.onFrame(MEETING, 1, frame({ sender: 1 }))).toMatchObject({
      delivered: 0,
    });
    expect(relay.onFrame(MEETING, 1, frame({ sender: 1, keyFrame: true }))).toMatchObject({
      delivered: 2,
    });
    expect(sink(3).frames()).toHaveLength(2);
  });

  it('replaces an earlier connection with the same relay id', () => {
    const { relay, sink, member } = setup(2);
    const second = new FakeSink();
    const joined = relay.join(MEETING, 2, second);
    expect(joined).toMatchObject({ kind: 'joined', replaced: true });
    expect(sink(2).controls()).toEqual([{ kind: 'removed', reason: 'replaced' }]);
    expect(sink(2).closes).toEqual(['replaced']);
    // The old connection's close event must not remove the new one.
    member(2).leave();
    relay.onFrame(MEETING, 1, frame({ sender: 1, keyFrame: true }));
    expect(second.frames()).toHaveLength(1);
    expect(relay.stats().participants).toBe(2);
  });

  it('ends a meeting and closes the relay, telling everyone why', () => {
    const { relay, sinks } = setup(2);
    const other = new FakeSink();
    relay.join('other', 1, other);
    relay.endMeeting(MEETING);
    for (const sink of sinks) {
      expect(sink.controls()).toEqual([{ kind: 'removed', reason: 'meeting_ended' }]);
      expect(sink.closes).toEqual(['meeting_ended']);
    }
    relay.close();
    relay.close();
    expect(other.closes).toEqual(['relay_closed']);
    expect(relay.stats()).toMatchObject({ meetings: 0, participants: 0 });
  });
});

describe('slow receivers', () => {
  it('drops video deltas past the soft limit but keeps audio and key frames; others unaffected', () => {
    const { relay, sink } = setup(3);
    const send = (spec: Parameters<typeof frame>[0]) => relay.onFrame(MEETING, 1, frame(spec));
    send({ sender: 1, keyFrame: true, seq: 0 });
    const slow = sink(3);
    slow.bufferedAmount = DEFAULT_SOFT_LIMIT_BYTES + 1;
    send({ sender: 1, seq: 1 }); // delta: dropped for the slow one
    send({ sender: 1, mediaKind: 'audio', seq: 2 }); // audio: kept
    send({ sender: 1, seq: 3 }); // still waiting for a key frame
    expect(slow.frames().map(seqOf)).toEqual([0, 2]);
    expect(sink(2).frames().map(seqOf)).toEqual([0, 1, 2, 3]);
    expect(relay.stats().dropped).toMatchObject({ soft_limit: 1, awaiting_key_frame: 1 });

    slow.bufferedAmount = 0; // drained, but the decoder still lacks frame 1
    send({ sender: 1, seq: 4 });
    expect(slow.frames().map(seqOf)).toEqual([0, 2]);
    send({ sender: 1, keyFrame: true, seq: 5 });
    send({ sender: 1, seq: 6 });
    expect(slow.frames().map(seqOf)).toEqual([0, 2, 5, 6]);
  });

  it('drops everything, audio too, that would take a receiver past the hard limit', () => {
    const { relay, sink } = setup(2);
    sink(2).bufferedAmount = DEFAULT_HARD_LIMIT_BYTES - 100;
    expect(relay.onFrame(MEETING, 1, frame({ sender: 1, mediaKind: 'audio', size: 200 }))).toEqual({
      kind: 'forwarded',
      delivered: 0,
      dropped: 1,
    });
    expect(
      relay.onFrame(MEETING, 1, frame({ sender: 1, keyFrame: true, size: 200 })),
    ).toMatchObject({
      delivered: 0,
    });
    expect(
      relay.onFrame(MEETING, 1, frame({ sender: 1, mediaKind: 'audio', size: 40 })),
    ).toMatchObject({
      delivered: 1,
    });
    expect(relay.stats().dropped.hard_limit).toBe(2);
  });

  it('never lets a stalled receiver queue more than the hard limit', () => {
    const { relay, sink } = setup(3);
    const slow = sink(3);
    slow.stalled = true;
    let seq = 0;
    for (let i = 0; i < 5_000; i++) {
      const keyFrame = i % 30 === 0;
      relay.onFrame(
        MEETING,
        1,
        frame({ sender: 1, keyFrame, seq: seq++, size: keyFrame ? 20_000 : 1_200 }),
      );
      relay.onFrame(MEETING, 1, frame({ sender: 1, mediaKind: 'audio', seq: seq++, size: 100 }));
      expect(slow.bufferedAmount).toBeLessThanOrEqual(DEFAULT_HARD_LIMIT_BYTES);
    }
    expect(sink(2).frames()).toHaveLength(10_000);
    expect(slow.frames().length).toBeLessThan(2_000);
    // Audio is the last to go: the stalled receiver got proportionally more audio than video.
    const audio = slow.frames().filter((bytes) => bytes.length < 200).length;
    expect(audio).toBeGreaterThan(slow.frames().length - audio);
  });
});

describe('key-frame requests', () => {
  it('asks the sender for a key frame when a receiver that can take one lacks it, at most every 500 ms per stream', () => {
    const { relay, sink, advance } = setup(3);
    const sender = sink(1);
    relay.onFrame(MEETING, 1, frame({ sender: 1, seq: 0 })); // nobody has a key frame yet
    expect(sender.controls()).toEqual([
      { kind: 'key_frame_request', streamId: streamIdOf(1, 'camera') },
    ]);
    advance(499);
    relay.onFrame(MEETING, 1, frame({ sender: 1, seq: 1 }));
    expect(sender.controls()).toHaveLength(1);
    advance(1);
    relay.onFrame(MEETING, 1, frame({ sender: 1, seq: 2 }));
    expect(sender.controls()).toHaveLength(2);
    expect(relay.stats().keyFrameRequests).toEqual({ sent: 2, rateLimited: 1 });
  });

  it('does not ask on behalf of a receiver that is still over the soft limit', () => {
    const { relay, sink } = setup(2);
    relay.onFrame(MEETING, 1, frame({ sender: 1, keyFrame: true }));
    sink(2).bufferedAmount = DEFAULT_SOFT_LIMIT_BYTES + 1;
    relay.onFrame(MEETING, 1, frame({ sender: 1 }));
    relay.onFrame(MEETING, 1, frame({ sender: 1 }));
    expect(sink(1).controls()).toEqual([]);
    sink(2).bufferedAmount = 0;
    relay.onFrame(MEETING, 1, frame({ sender: 1 }));
    expect(sink(1).controls()).toEqual([
      { kind: 'key_frame_request', streamId: streamIdOf(1, 'camera') },
    ]);
  });

  it('passes a receiver’s own request to the stream’s sender and holds deltas until the key frame', () => {
    const { relay, sink, member } = setup(3);
    relay.onFrame(MEETING, 1, frame({ sender: 1, keyFrame: true, seq: 0 }));
    expect(
      member(2).receive(
        encodeControl({ kind: 'key_frame_request', streamId: streamIdOf(1, 'camera') }),
      ),
    ).toEqual({
      kind: 'accepted',
    });
    expect(sink(1).controls()).toEqual([
      { kind: 'key_frame_request', streamId: streamIdOf(1, 'camera') },
    ]);
    relay.onFrame(MEETING, 1, frame({ sender: 1, seq: 1 }));
    expect(sink(2).frames().map(seqOf)).toEqual([0]);
    expect(sink(3).frames().map(seqOf)).toEqual([0, 1]);
    expect(member(2).receive(encodeControl({ kind: 'key_frame_request', streamId: 77 }))).toEqual({
      kind: 'rejected',
      reason: 'unknown_stream',
    });
    expect(
      member(1).receive(
        encodeControl({ kind: 'key_frame_request', streamId: streamIdOf(1, 'camera') }),
      ),
    ).toEqual({
      kind: 'rejected',
      reason: 'not_allowed',
    });
    expect(member(2).receive(encodeControl({ kind: 'removed', reason: 'removed' }))).toEqual({
      kind: 'rejected',
      reason: 'not_allowed',
    });
    expect(member(2).receive(Uint8Array.of(0xd1, 0x09))).toEqual({
      kind: 'rejected',
      reason: 'malformed',
    });
    expect(relay.stats().controlsRejected).toMatchObject({
      unknown_stream: 1,
      not_allowed: 2,
      malformed: 1,
    });
  });
});

describe('subscriptions', () => {
  it('forwards only the kinds and streams a receiver selected', () => {
    const { relay, sink, member } = setup(3);
    member(2).receive(encodeControl({ kind: 'subscribe', mediaKinds: ['audio'], streams: 'all' }));
    relay.setSubscription(MEETING, 3, {
      mediaKinds: ['audio', 'camera', 'screen'],
      streams: [streamIdOf(1, 'audio')],
    });
    relay.onFrame(MEETING, 1, frame({ sender: 1, keyFrame: true, seq: 0 }));
    relay.onFrame(MEETING, 1, frame({ sender: 1, mediaKind: 'audio', seq: 1 }));
    relay.onFrame(MEETING, 1, frame({ sender: 1, mediaKind: 'screen', keyFrame: true, seq: 2 }));
    expect(sink(2).frames().map(seqOf)).toEqual([1]);
    expect(sink(3).frames().map(seqOf)).toEqual([1]);
    expect(relay.stats().dropped.awaiting_key_frame).toBe(0); // not subscribed is not a drop
  });

  it('restarts a stream from a key frame when it is selected again', () => {
    const { relay, sink } = setup(2);
    relay.onFrame(MEETING, 1, frame({ sender: 1, keyFrame: true, seq: 0 }));
    relay.setSubscription(MEETING, 2, { mediaKinds: ['audio'], streams: 'all' });
    relay.onFrame(MEETING, 1, frame({ sender: 1, seq: 1 }));
    relay.setSubscription(MEETING, 2, { mediaKinds: ['audio', 'camera'], streams: 'all' });
    relay.onFrame(MEETING, 1, frame({ sender: 1, seq: 2 }));
    relay.onFrame(MEETING, 1, frame({ sender: 1, keyFrame: true, seq: 3 }));
    expect(sink(2).frames().map(seqOf)).toEqual([0, 3]);
  });
});

describe('failing sinks', () => {
  it('counts a send that throws and carries on with the other receivers', () => {
    const { relay, sink } = setup(3);
    sink(2).send = () => {
      throw new Error('socket gone');
    };
    const result = relay.onFrame(
      MEETING,
      1,
      encodeEnvelope(
        {
          mediaKind: 'audio',
          keyFrame: false,
          layer: 0,
          streamId: streamIdOf(1, 'audio'),
          sender: 1,
          timestampUs: 0,
        },
        Uint8Array.of(1, 2, 3),
      ),
    );
    expect(result).toEqual({ kind: 'forwarded', delivered: 1, dropped: 1 });
    expect(relay.stats().dropped.send_failed).toBe(1);
  });
});

describe('refused senders', () => {
  it('tells a sender its frames are refused, once per stream and reason per second, with the count since the last notice', () => {
    const { relay, sink, advance } = setup(3);
    const camera2 = streamIdOf(2, 'camera');
    const screen2 = streamIdOf(2, 'screen');
    const onCamera2 = () => relay.onFrame(MEETING, 1, frame({ sender: 1, streamId: camera2 }));
    for (let i = 0; i < 5; i++) onCamera2();
    relay.onFrame(MEETING, 1, frame({ sender: 1, streamId: screen2, mediaKind: 'screen' }));
    relay.onFrame(MEETING, 1, frame({ sender: 2, streamId: camera2 })); // another reason
    expect(sink(1).notices).toEqual([
      {
        kind: 'frame_refused',
        streamId: camera2,
        mediaKind: 'camera',
        reason: 'stream_not_owned',
        frames: 1,
      },
      {
        kind: 'frame_refused',
        streamId: screen2,
        mediaKind: 'screen',
        reason: 'stream_not_owned',
        frames: 1,
      },
      {
        kind: 'frame_refused',
        streamId: camera2,
        mediaKind: 'camera',
        reason: 'spoofed_sender',
        frames: 1,
      },
    ]);
    advance(999);
    onCamera2();
    expect(sink(1).notices).toHaveLength(3);
    advance(1);
    onCamera2();
    expect(sink(1).notices.at(-1)).toEqual({
      kind: 'frame_refused',
      streamId: camera2,
      mediaKind: 'camera',
      reason: 'stream_not_owned',
      frames: 6,
    });
    expect(relay.stats().refusalNotices).toEqual({ sent: 4, rateLimited: 5 });
    expect(relay.stats().rejected).toMatchObject({ stream_not_owned: 8, spoofed_sender: 1 });
    // Nobody else heard anything, and the refused sender stays connected.
    for (const other of [sink(2), sink(3)]) {
      expect(other.sent).toEqual([]);
      expect(other.notices).toEqual([]);
    }
    expect(sink(1).closes).toEqual([]);
  });

  it('stops telling a sender that sprays stream ids, until its old notices go quiet', () => {
    const { relay, sink, advance } = setup(2, { refusalNoticeIntervalMs: 100 });
    const spray = (from: number, count: number) => {
      for (let id = from; id < from + count; id++)
        relay.onFrame(MEETING, 1, frame({ sender: 1, streamId: 1_000 + id * 4 + 2 }));
    };
    spray(0, 200);
    expect(sink(1).notices).toHaveLength(64);
    advance(100);
    spray(200, 10);
    expect(sink(1).notices).toHaveLength(74);
    // Its own streams are never refused, whatever it sprayed.
    expect(relay.onFrame(MEETING, 1, frame({ sender: 1, keyFrame: true })).kind).toBe('forwarded');
  });

  it('takes no refusal notice from a participant, and no key-frame request for a stream never sent', () => {
    const { member } = setup(2);
    expect(
      member(1).receive(
        encodeControl({
          kind: 'frame_refused',
          streamId: streamIdOf(2, 'audio'),
          mediaKind: 'audio',
          reason: 'stream_not_owned',
          frames: 1,
        }),
      ),
    ).toEqual({ kind: 'rejected', reason: 'not_allowed' });
    expect(
      member(1).receive(
        encodeControl({ kind: 'key_frame_request', streamId: streamIdOf(2, 'screen') }),
      ),
    ).toEqual({ kind: 'rejected', reason: 'unknown_stream' });
  });
});
