// Rekeying that nobody hears (docs/media.md "Rekeying without a gap"), on the real server: senders
// move to a new epoch's keys only once every member has it (or after the bound), and a receiver
// that gets frames under an epoch it has not reached yet holds them and plays them once it has.
import { decodeHeader, parseKid } from '@conclave/crypto/member';
import { describe, expect, it } from 'vitest';
import type { Meeting, ReceivedFrame } from '../src/index.ts';
import { decodeEnvelope } from '../src/wire.ts';
import { sendingUnderEpoch, until } from './support/people.ts';
import { realServerForFile, startedMeeting, type Tapped } from './support/real-server.ts';

const world = realServerForFile();

async function meetingOf(...names: string[]): Promise<{ id: string; people: Tapped[] }> {
  const list = await world.people(...names);
  return { id: await startedMeeting(world.server, list[0]!, list.slice(1), true), people: list };
}

/** The epoch bits of an SFrame frame's KID, read from a relayed envelope. */
function epochBitsOf(envelope: Uint8Array): number | undefined {
  const decoded = decodeEnvelope(envelope);
  if (decoded.kind === 'error') return undefined;
  const header = decodeHeader(decoded.payload);
  return header.kind === 'ok' ? parseKid(header.kid).epochBits : undefined;
}

/** Alice's numbered audio frames every 10 ms until stopped; what each listener played, in order. */
function numberedAudio(sender: Meeting, listeners: readonly Meeting[]) {
  const played = listeners.map(() => [] as number[]);
  listeners.forEach((m, i) =>
    m.on('frame', (f: ReceivedFrame) => {
      if (f.sender.relayId === sender.relayId) played[i]!.push(f.data[0]! * 256 + f.data[1]!);
    }),
  );
  let sent = 0;
  const timer = setInterval(() => {
    void sender.publish('audio', Uint8Array.of(sent >> 8, sent & 0xff)).then((r) => {
      if (r.kind !== 'sent') throw new Error(`frame ${sent} not sent: ${JSON.stringify(r)}`);
    });
    sent++;
  }, 10);
  return {
    played,
    stop: () => {
      clearInterval(timer);
      return sent;
    },
  };
}

describe('rekeying without a gap', () => {
  it('a receiver whose commit comes late holds the new epoch’s frames and plays every one, in order', async () => {
    const { id, people } = await meetingOf('alice', 'bob', 'carol', 'dave');
    const [alice, bob, carol, dave] = people as [Tapped, Tapped, Tapped, Tapped];
    // A short bound: Alice moves to the new epoch long before Carol's delayed commit arrives.
    const options = { sendSwitchBoundMs: 100 };
    const three = [
      await alice.client.join(id, options),
      await bob.client.join(id, options),
      await carol.client.join(id, options),
    ];
    await until(three, () => three.every((m) => m.epoch === 2n), 15_000, 'epoch 2');
    await sendingUnderEpoch(three);
    const [a, b, c] = three as [Meeting, Meeting, Meeting];

    const audio = numberedAudio(a, [b, c]);
    await until(three, () => audio.played[1]!.length >= 20, 5_000, 'audio at carol');
    // Carol's next commit takes 800 ms longer than the media (as through another node).
    carol.tap.delayText = (text) => (text.includes('"type":"commit"') ? 800 : 0);
    let carolTapAtEpoch3 = -1;
    c.on('epoch', ({ epoch }) => {
      if (epoch === 3n) carolTapAtEpoch3 = carol.tap.binary.length;
    });
    const d = await dave.client.join(id, options);
    const four = [...three, d];
    await until(four, () => four.every((m) => m.epoch === 3n), 15_000, 'epoch 3');
    await sendingUnderEpoch(four);
    await until(four, () => audio.played[1]!.length >= 150, 10_000, 'more audio');
    const sent = audio.stop();
    await until(four, () => audio.played.every((p) => p.length === sent), 5_000, 'every frame');

    // Frames under epoch 3 reached Carol before she could decrypt them…
    const early = carol.tap.binary.slice(0, carolTapAtEpoch3).filter((e) => epochBitsOf(e) === 3);
    expect(early.length).toBeGreaterThan(0);
    expect(a.stats().senderSwitches.bound).toBeGreaterThanOrEqual(1);
    // …and every frame Alice sent was played by Bob and Carol exactly once, in order.
    const all = Array.from({ length: sent }, (_, i) => i);
    expect(audio.played[0]).toEqual(all);
    expect(audio.played[1]).toEqual(all);
    for (const m of [b, c]) {
      const dropped = m.stats().frames.dropped;
      expect(dropped.unknown_epoch ?? 0).toBe(0);
      expect(dropped.no_keys ?? 0).toBe(0);
    }
  });

  it('senders wait for every member to have the epoch, then move at once on the server’s word', async () => {
    const { id, people } = await meetingOf('alice', 'bob', 'carol');
    const [alice, bob, carol] = people as [Tapped, Tapped, Tapped];
    // A bound far longer than the test: only the confirmation can move the senders.
    const options = { sendSwitchBoundMs: 60_000 };
    const two = [await alice.client.join(id, options), await bob.client.join(id, options)];
    await until(two, () => two.every((m) => m.epoch === 1n), 15_000, 'epoch 1');
    const [a, b] = two as [Meeting, Meeting];
    await sendingUnderEpoch(two);
    const before = a.stats().senderSwitches;
    // Bob reports epoch 2 only after a while: until then nobody may send under it.
    bob.tap.delayText = (text) => (text.includes('"type":"commit"') ? 500 : 0);
    const c = await carol.client.join(id, options);
    const three = [a, b, c];
    await until(three, () => a.epoch === 2n && c.epoch === 2n, 15_000, 'epoch 2 at alice');
    expect(a.mediaEpoch).toBe(1n);
    await until(three, () => b.epoch === 2n, 5_000, 'epoch 2 at bob');
    await sendingUnderEpoch(three, 2_000);
    expect(a.stats().senderSwitches).toMatchObject({
      confirmed: before.confirmed + 1,
      bound: before.bound,
    });
    expect(
      alice.tap.text.filter((t) => t.includes('"type":"epoch-confirmed"') && t.includes('"2"')),
    ).toHaveLength(1);
  });

  it('a commit that removes someone is used at once: no waiting on the leaver', async () => {
    const { id, people } = await meetingOf('alice', 'bob', 'carol');
    const options = { sendSwitchBoundMs: 60_000 };
    const meetings: Meeting[] = [];
    for (const p of people) meetings.push(await p.client.join(id, options));
    await until(meetings, () => meetings.every((m) => m.epoch === 2n), 15_000, 'epoch 2');
    await sendingUnderEpoch(meetings);
    const [a, b, c] = meetings as [Meeting, Meeting, Meeting];
    const atOnce = a.stats().senderSwitches.atOnce;
    await c.leave();
    await until([a, b], () => a.epoch === 3n && b.epoch === 3n, 15_000, 'removal');
    expect([a.mediaEpoch, b.mediaEpoch]).toEqual([3n, 3n]);
    expect(a.stats().senderSwitches.atOnce).toBe(atOnce + 1);
  });
});
