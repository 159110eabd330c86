// A receiver that keeps refusing a sender's frames says so (issue 16, item 1): on the real server,
// a member sends frames under another member's KID for longer than STALL_AFTER_MS; the receiver
// emits `senderStall { stalled }` naming that sender, lists it in stats(), and clears it once the
// sender's own frames decrypt again.
import {
  EpochKeyRing,
  MediaContext,
  exportSFrameBaseKey,
  nodeCryptoBackend,
  type MeetingState,
} from '@conclave/crypto/member';
import { describe, expect, it } from 'vitest';
import { STALL_AFTER_MS, type SenderStallEvent } from '../src/index.ts';
import { ENVELOPE_HEADER_BYTES, encodeEnvelopeHeader } from '../src/wire.ts';
import { until } from './support/people.ts';
import { realServerForFile, startedMeeting, type Tapped } from './support/real-server.ts';

const world = realServerForFile();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a sender this receiver cannot hear', () => {
  it('is said after 2 s of refused frames and cleared when its frames decrypt again', async () => {
    const list = await world.people('alice', 'bob', 'carol');
    const [alice, bob, carol] = list as [Tapped, Tapped, Tapped];
    const id = await startedMeeting(world.server, alice, [bob, carol], true);
    let carolState: MeetingState | undefined;
    const a = await alice.client.join(id);
    const b = await bob.client.join(id);
    const c = await carol.client.join(id, { inspect: (state) => (carolState = state) });
    const meetings = [a, b, c];
    await until(meetings, () => meetings.every((m) => m.epoch === 2n), 15_000, 'epoch 2');
    const stalls: SenderStallEvent[] = [];
    b.on('senderStall', (event) => stalls.push(event));

    // Carol sends under Alice's KID through her own socket, every 50 ms for over 2 s.
    const ring = new EpochKeyRing({ backend: nodeCryptoBackend() });
    await ring.setEpoch(c.epoch!, await exportSFrameBaseKey(carolState!), a.leafIndex!);
    const started = Date.now();
    while (Date.now() - started < STALL_AFTER_MS + 1_000) {
      const header = encodeEnvelopeHeader({
        mediaKind: 'audio',
        keyFrame: true,
        layer: 0,
        streamId: (c.relayId! << 2) | 1,
        sender: c.relayId!,
        timestampUs: 1,
      });
      const sealed = await ring.protect(MediaContext.audio, Uint8Array.of(6, 6), header);
      if (sealed.kind !== 'ok') throw new Error('forging failed');
      const envelope = new Uint8Array(ENVELOPE_HEADER_BYTES + sealed.frame.length);
      envelope.set(header);
      envelope.set(sealed.frame, ENVELOPE_HEADER_BYTES);
      carol.tap.sendRaw(envelope);
      await sleep(50);
    }
    ring.close();
    await until(meetings, () => stalls.length > 0, 10_000, 'senderStall at bob');
    expect(stalls).toEqual([
      {
        state: 'stalled',
        relayId: c.relayId,
        reason: 'sender_mismatch',
        userId: carol.userId,
        displayName: 'carol',
      },
    ]);
    expect(b.stats().stalledSenders).toMatchObject([
      { relayId: c.relayId, reason: 'sender_mismatch', userId: carol.userId },
    ]);
    // Alice gets the same forged frames (under her own KID, from Carol's relay id): same finding.
    // Carol gets nothing forged, so she reports nobody.
    expect(a.stats().stalledSenders).toMatchObject([{ relayId: c.relayId }]);
    expect(c.stats().stalledSenders).toEqual([]);

    // Carol's own frames decrypt at Bob again: cleared.
    await c.publish('audio', Uint8Array.of(1));
    await until(meetings, () => stalls.length === 2, 10_000, 'cleared at bob');
    expect(stalls[1]).toEqual({
      state: 'cleared',
      relayId: c.relayId,
      userId: carol.userId,
      displayName: 'carol',
    });
    expect(b.stats().stalledSenders).toEqual([]);
    await until(meetings, () => a.stats().stalledSenders.length === 0, 10_000, 'cleared at alice');
  });
});
