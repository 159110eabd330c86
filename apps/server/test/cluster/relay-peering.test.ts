// Two nodes' relays joined as a cluster's media mesh joins them (with an in-memory link): a frame
// crosses to the other node once however many receivers are there, each receiver keeps its own
// rules there, and a receiver that lost a stream sent from the other node gets its sender asked.
import { describe, expect, it } from 'vitest';
import { MediaRelay, type RelayPeering } from '../../src/realtime/relay/index.ts';
import { encodeControl, streamIdOf } from '../../../../packages/protocol/src/media/index.ts';
import { FakeSink, frame, seqOf } from '../relay/helpers.ts';

const MEETING = 'tenant/meeting';

/** Two relays whose peerings deliver to each other synchronously; counts what crossed. */
function twoNodes() {
  const relays = [new MediaRelay(), new MediaRelay()] as const;
  const crossed = { frames: 0, keyFrameRequests: 0 };
  const open = [new Set<string>(), new Set<string>()];
  relays.forEach((relay, i) => {
    const other = relays[1 - i]!;
    const otherOpen = open[1 - i]!;
    const peering: RelayPeering = {
      forwarded(meetingId, bytes) {
        crossed.frames++;
        if (otherOpen.has(meetingId)) other.injectFrame(meetingId, bytes);
      },
      keyFrameWanted(meetingId, streamId) {
        crossed.keyFrameRequests++;
        if (otherOpen.has(meetingId)) other.askForKeyFrame(meetingId, streamId);
      },
      opened: (meetingId) => void open[i]!.add(meetingId),
      closed: (meetingId) => void open[i]!.delete(meetingId),
    };
    relay.connectPeers(peering);
  });
  return { relays, crossed, open };
}

function member(relay: MediaRelay, id: number) {
  const sink = new FakeSink();
  const joined = relay.join(MEETING, id, sink);
  if (joined.kind !== 'joined') throw new Error('join failed');
  return { sink, member: joined.member };
}

describe('relays of two nodes', () => {
  it('carry a frame across once, to every receiver there', () => {
    const { relays, crossed } = twoNodes();
    const sender = member(relays[0], 1);
    const near = member(relays[0], 2);
    const far = [3, 4, 5].map((id) => member(relays[1], id));
    sender.member.receive(frame({ sender: 1, keyFrame: true, seq: 7 }));
    expect(crossed.frames).toBe(1);
    expect(near.sink.sent.map(seqOf)).toEqual([7]);
    for (const r of far) expect(r.sink.sent.map(seqOf)).toEqual([7]);
  });

  it('never carries a frame the sender’s node refused', () => {
    const { relays, crossed } = twoNodes();
    const sender = member(relays[0], 1);
    const far = member(relays[1], 2);
    // Participant 1 sends on participant 2's stream: refused where it was sent.
    sender.member.receive(frame({ sender: 1, streamId: streamIdOf(2, 'camera'), seq: 1 }));
    expect(crossed.frames).toBe(0);
    expect(far.sink.sent).toEqual([]);
  });

  it('hold deltas back from a receiver there until a key frame, asking the sender here', () => {
    const { relays, crossed } = twoNodes();
    const sender = member(relays[0], 1);
    const far = member(relays[1], 2);
    // A delta before any key frame: the far receiver could not decode it.
    sender.member.receive(frame({ sender: 1, keyFrame: false, seq: 1 }));
    expect(far.sink.sent).toEqual([]);
    expect(crossed.keyFrameRequests).toBe(1);
    expect(sender.sink.notices).toContainEqual({
      kind: 'key_frame_request',
      streamId: streamIdOf(1, 'camera'),
    });
    sender.member.receive(frame({ sender: 1, keyFrame: true, seq: 2 }));
    sender.member.receive(frame({ sender: 1, keyFrame: false, seq: 3 }));
    expect(far.sink.sent.map(seqOf)).toEqual([2, 3]);
  });

  it('pass a receiver’s own key-frame request to the node holding the sender', () => {
    const { relays, crossed } = twoNodes();
    const sender = member(relays[0], 1);
    const far = member(relays[1], 2);
    sender.member.receive(frame({ sender: 1, keyFrame: true, seq: 1 }));
    expect(far.sink.sent.map(seqOf)).toEqual([1]);
    // The far receiver's decoder lost the stream (the SDK's binary control message).
    expect(
      far.member.receive(
        encodeControl({ kind: 'key_frame_request', streamId: streamIdOf(1, 'camera') }),
      ),
    ).toEqual({
      kind: 'accepted',
    });
    expect(crossed.keyFrameRequests).toBe(1);
    expect(sender.sink.notices.filter((n) => n.kind === 'key_frame_request')).toHaveLength(1);
    // Its deltas are held back until that key frame.
    sender.member.receive(frame({ sender: 1, keyFrame: false, seq: 2 }));
    sender.member.receive(frame({ sender: 1, keyFrame: true, seq: 3 }));
    expect(far.sink.sent.map(seqOf)).toEqual([1, 3]);
  });

  it('listen to a meeting only while they have participants in it', () => {
    const { relays, open } = twoNodes();
    const one = member(relays[1], 2);
    expect(open[1]!.has(MEETING)).toBe(true);
    one.member.leave();
    expect(open[1]!.has(MEETING)).toBe(false);
  });
});
