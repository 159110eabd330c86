// The removal cut-off (spec invariant 2, issue 13), on the real server: once a participant leaves
// or is removed by the organizer, every remaining sender moves to the epoch without them, and no
// frame sent after that cut-off opens with anything the departed ever held — even a departed client
// that keeps every epoch key it was given, for as long as it likes. The remaining members decrypt
// the same frames. Frames are captured where a remaining member received them (the relay no longer
// forwards to the departed).
import {
  EpochKeyRing,
  decodeHeader,
  nodeCryptoBackend,
  parseKid,
  type KeyRingUnprotectResult,
} from '@conclave/crypto/member';
import { describe, expect, it } from 'vitest';
import {
  inProcessFrameProtector,
  type FrameProtector,
  type FrameProtectorFactory,
  type Meeting,
} from '../src/index.ts';
import { decodeEnvelope } from '../src/wire.ts';
import { sendingUnderEpoch, until } from './support/people.ts';
import { realServerForFile, startedMeeting, type Tapped } from './support/real-server.ts';

const world = realServerForFile();
const HOUR_MS = 3_600_000;

/**
 * A departing client that keeps everything: each epoch's base key is copied as it arrives, into a
 * hoard that is never closed and never forgets (an hour's retention), and into a list.
 */
class KeepingProtector implements FrameProtector {
  readonly hoard = new EpochKeyRing({ backend: nodeCryptoBackend(), retentionMs: HOUR_MS });
  readonly kept: { epoch: bigint; baseKey: Uint8Array; ownLeafIndex: number }[] = [];
  readonly #inner: FrameProtector;

  constructor(inner: FrameProtector) {
    this.#inner = inner;
  }
  get currentEpoch(): bigint | undefined {
    return this.#inner.currentEpoch;
  }
  get newestEpoch(): bigint | undefined {
    return this.#inner.newestEpoch;
  }
  async setEpoch(
    epoch: bigint,
    baseKey: Uint8Array,
    ownLeafIndex: number,
    sending?: 'now' | 'later',
  ): Promise<void> {
    const copy = baseKey.slice();
    this.kept.push({ epoch, baseKey: copy, ownLeafIndex });
    await this.hoard.setEpoch(epoch, copy.slice(), ownLeafIndex);
    return this.#inner.setEpoch(epoch, baseKey, ownLeafIndex, sending);
  }
  sendUnder(epoch: bigint): Promise<void> {
    return this.#inner.sendUnder(epoch);
  }
  protect(context: number, plaintext: Uint8Array, metadata: Uint8Array) {
    return this.#inner.protect(context, plaintext, metadata);
  }
  unprotect(frame: Uint8Array, metadata: Uint8Array) {
    return this.#inner.unprotect(frame, metadata);
  }
  prune(): void {
    this.#inner.prune();
  }
  close(): void {
    this.#inner.close();
  }
}

function keeping(): { factory: FrameProtectorFactory; made: KeepingProtector[] } {
  const made: KeepingProtector[] = [];
  const inner = inProcessFrameProtector(nodeCryptoBackend());
  return {
    made,
    factory: (options) => {
      const protector = new KeepingProtector(inner(options));
      made.push(protector);
      return protector;
    },
  };
}

interface Sent {
  readonly number: number;
  readonly epochBits: number;
  readonly at: number;
}

/** Numbered audio from each sender every 10 ms until stopped, each frame's key id noted. */
function numberedAudio(senders: readonly Meeting[]) {
  const sent = senders.map(() => [] as Sent[]);
  let n = 0;
  const timer = setInterval(() => {
    const number = n++;
    senders.forEach((m, i) => {
      void m.publish('audio', Uint8Array.of(number >> 8, number & 0xff)).then((r) => {
        if (r.kind === 'sent')
          sent[i]!.push({ number, epochBits: parseKid(r.kid).epochBits, at: Date.now() });
      });
    });
  }, 10);
  return { sent, stop: () => clearInterval(timer) };
}

/** An envelope as relayed: who sent it, its SFrame frame, the envelope header (the AAD), its epoch. */
function opened(bytes: Uint8Array) {
  const decoded = decodeEnvelope(bytes);
  if (decoded.kind === 'error') return undefined;
  const header = decodeHeader(decoded.payload);
  if (header.kind !== 'ok') return undefined;
  return {
    relayId: decoded.envelope.sender,
    frame: decoded.payload,
    metadata: decoded.header,
    epochBits: parseKid(header.kid).epochBits,
  };
}

/**
 * The organizer and Alice send, Bob listens (his socket tapped), Carol keeps every key; Carol
 * departs (`how`); returns what the test needs to judge the frames sent after the cut-off.
 */
async function departure(how: 'leave' | 'remove') {
  const [organizer, alice, bob, carol] = (await world.people(
    'organizer',
    'alice',
    'bob',
    'carol',
  )) as [Tapped, Tapped, Tapped, Tapped];
  const id = await startedMeeting(world.server, organizer, [alice, bob, carol], true);
  const carolKeys = keeping();
  const o = await organizer.client.join(id);
  const a = await alice.client.join(id);
  const b = await bob.client.join(id);
  const c = await carol.client.join(id, { frameProtector: carolKeys.factory });
  const four = [o, a, b, c];
  await until(four, () => four.every((m) => m.epoch === 3n), 15_000, 'four members at epoch 3');
  await sendingUnderEpoch(four);
  const before = 3n;
  const after = before + 1n;

  const played = new Map<number, Set<number>>([
    [o.relayId!, new Set()],
    [a.relayId!, new Set()],
  ]);
  b.on('frame', (f) => played.get(f.sender.relayId)?.add(f.data[0]! * 256 + f.data[1]!));
  const audio = numberedAudio([o, a]);
  await until([b], () => [...played.values()].every((p) => p.size >= 10), 5_000, 'audio at bob');

  if (how === 'leave') await c.leave();
  else {
    const target = o.participants.find((p) => p.userId === carol.userId)!;
    await o.removeParticipant(target.participantId);
  }
  const three = [o, a, b];
  await until(
    three,
    () => three.every((m) => m.epoch === after),
    15_000,
    'the epoch without carol',
  );
  // A removal is used at once: both senders protect under the new epoch.
  await until(three, () => o.mediaEpoch === after && a.mediaEpoch === after, 2_000, 'senders');
  await new Promise((resolve) => setTimeout(resolve, 300));
  audio.stop();
  await new Promise((resolve) => setTimeout(resolve, 200));
  return { o, a, b, c, carol, bob, carolKeys, audio, played, before, after };
}

async function judge(how: 'leave' | 'remove'): Promise<void> {
  const { o, a, b, c, carol, bob, carolKeys, audio, played, before, after } = await departure(how);
  const bits = Number(after & 0xffn);

  // The cut-off: the last sender's first frame under the epoch without Carol. Every frame either
  // sender sent from then on is under that epoch — senders never go back.
  const firsts = audio.sent.map((list) => list.find((s) => s.epochBits === bits)!);
  expect(firsts.every((s) => s !== undefined)).toBe(true);
  const cutoff = Math.max(...firsts.map((s) => s.at));
  const afterCutoff = audio.sent.map((list) => list.filter((s) => s.at >= cutoff));
  for (const list of afterCutoff) {
    expect(list.length).toBeGreaterThanOrEqual(20);
    expect(list.every((s) => s.epochBits === bits)).toBe(true);
  }

  // What Bob received of those senders under the new epoch: every frame they sent under it.
  const senders = new Set([o.relayId!, a.relayId!]);
  const captured = bob.tap.binary
    .map(opened)
    .filter((e) => e !== undefined && senders.has(e.relayId) && e.epochBits === bits);
  const sentUnder = audio.sent.flat().filter((s) => s.epochBits === bits).length;
  expect(captured).toHaveLength(sentUnder);

  // Carol kept every key she ever had, up to the epoch before — and nothing of the new one.
  const hoard = carolKeys.made.flatMap((p) => p.kept);
  expect(hoard.length).toBeGreaterThan(0);
  expect(hoard.map((k) => k.epoch)).toContain(before);
  expect(hoard.every((k) => k.epoch <= before)).toBe(true);
  expect(c.epoch === undefined || c.epoch <= before).toBe(true);
  // Her hoard works: the same senders' frames from before her departure open with it…
  const earlier = bob.tap.binary
    .map(opened)
    .filter((e) => e !== undefined && senders.has(e.relayId) && e.epochBits === Number(before));
  expect(earlier.length).toBeGreaterThan(0);
  for (const e of earlier.slice(-10))
    expect(await carolKeys.made[0]!.hoard.unprotect(e!.frame, e!.metadata)).toMatchObject({
      kind: 'ok',
      epoch: before,
    });
  // …but none sent after the cut-off does: the key id names an epoch she does not have.
  for (const protector of carolKeys.made) {
    for (const e of captured) {
      const result = await protector.hoard.unprotect(e!.frame, e!.metadata);
      expect(result).toMatchObject({ kind: 'drop', reason: 'unknown_epoch' });
    }
  }
  // Nor with any key she had, tried as if it were the new epoch's: authentication fails.
  for (const k of hoard) {
    const forced = new EpochKeyRing({ backend: nodeCryptoBackend() });
    await forced.setEpoch(after, k.baseKey.slice(), k.ownLeafIndex);
    const results: KeyRingUnprotectResult[] = [];
    for (const e of captured) results.push(await forced.unprotect(e!.frame, e!.metadata));
    expect(results.every((r) => r.kind === 'drop' && r.reason === 'auth_failed')).toBe(true);
    forced.close();
  }
  // And the relay forwarded her nothing under it.
  expect(carol.tap.binary.map(opened).filter((e) => e?.epochBits === bits)).toEqual([]);

  // Bob, who stays, decrypted and played every frame sent after the cut-off.
  expect(b.stats().frames.dropped).not.toHaveProperty('auth_failed');
  [o, a].forEach((sender, i) => {
    const heard = played.get(sender.relayId!)!;
    expect(afterCutoff[i]!.filter((s) => !heard.has(s.number))).toEqual([]);
  });
}

describe('the removal cut-off', () => {
  it('a participant who leaves cannot open any frame sent after the cut-off; the others can', async () => {
    await judge('leave');
  });

  it('nor can one the organizer removes, keeping every key they were given', async () => {
    await judge('remove');
  });
});
