import { describe, expect, it } from 'vitest';
import { HoldBack, type HoldBackLimits } from '../src/media/hold-back.ts';
import { ManualClock } from './support/manual-clock.ts';

const LIMITS: HoldBackLimits = {
  maxAgeMs: 1_000,
  maxFramesPerSender: 4,
  maxBytesPerSender: 400,
  maxFrames: 10,
  maxBytes: 1_000,
};

const frame = (n: number, size = 10) => new Uint8Array(size).fill(n);
const firstBytes = (frames: { bytes: Uint8Array }[]) => frames.map((f) => f.bytes[0]);

describe('the hold-back buffer of frames waiting for their epoch', () => {
  it('gives frames back in arrival order, across senders, and is empty afterwards', async () => {
    const clock = new ManualClock();
    const held = new HoldBack(clock, LIMITS);
    expect(held.hold(1, frame(1))).toBe(true);
    await clock.advance(5);
    expect(held.hold(2, frame(2))).toBe(true);
    expect(held.hold(1, frame(3))).toBe(true);
    expect([held.frames, held.bytes]).toEqual([3, 30]);
    const taken = held.take();
    expect(firstBytes(taken)).toEqual([1, 2, 3]);
    expect(taken.map((f) => f.relayId)).toEqual([1, 2, 1]);
    expect([held.frames, held.bytes, held.take().length]).toEqual([0, 0, 0]);
  });

  it('a frame held again keeps its first time and its place among the others', async () => {
    const clock = new ManualClock();
    const held = new HoldBack(clock, LIMITS);
    held.hold(1, frame(1));
    const firstAt = clock.now();
    await clock.advance(100);
    const [again] = held.take();
    held.hold(2, frame(2));
    expect(held.hold(again!.relayId, again!.bytes, again!.heldAt)).toBe(true);
    const taken = held.take();
    expect(firstBytes(taken)).toEqual([1, 2]);
    expect(taken[0]!.heldAt).toBe(firstAt);
    // Its time is up counting from the first hold, not the second.
    held.hold(1, frame(1), firstAt);
    await clock.advance(900);
    expect(firstBytes(held.expire())).toEqual([1]);
    expect(held.hold(1, frame(1), firstAt)).toBe(false);
  });

  it('expires frames after maxAgeMs, oldest first, and frees their share', async () => {
    const clock = new ManualClock();
    const held = new HoldBack(clock, LIMITS);
    for (let n = 0; n < 4; n++) held.hold(1, frame(n));
    expect(held.hold(1, frame(9))).toBe(false); // the sender's four
    await clock.advance(999);
    expect(held.expire()).toEqual([]);
    held.hold(2, frame(20));
    await clock.advance(1);
    expect(firstBytes(held.expire())).toEqual([0, 1, 2, 3]);
    expect([held.frames, held.bytes]).toEqual([1, 10]);
    // Sender 1 may be held again.
    expect(held.hold(1, frame(5))).toBe(true);
  });

  it('bounds each sender in frames and bytes, and everyone together', () => {
    const clock = new ManualClock();
    const held = new HoldBack(clock, LIMITS);
    expect(held.hold(1, frame(1, 300))).toBe(true);
    expect(held.hold(1, frame(2, 101))).toBe(false); // 401 bytes for one sender
    expect(held.hold(1, frame(3, 100))).toBe(true);
    for (let sender = 2; sender <= 4; sender++) {
      expect(held.hold(sender, frame(sender, 100))).toBe(true);
      expect(held.hold(sender, frame(sender, 100))).toBe(true);
    }
    expect(held.bytes).toBe(1_000);
    expect(held.hold(5, frame(5, 1))).toBe(false); // all bytes are taken
    held.take();
    for (let sender = 1; sender <= 10; sender++)
      expect(held.hold(sender, frame(sender))).toBe(true);
    expect(held.hold(11, frame(11))).toBe(false); // all ten frames are taken
  });

  it('a sender flooding frames under made-up epochs costs a fixed amount, the others are still held', () => {
    const clock = new ManualClock();
    const limits: HoldBackLimits = {
      maxAgeMs: 2_000,
      maxFramesPerSender: 240,
      maxBytesPerSender: 64 * 1024,
      maxFrames: 4_096,
      maxBytes: 1024 * 1024,
    };
    const held = new HoldBack(clock, limits);
    let kept = 0;
    for (let n = 0; n < 100_000; n++) if (held.hold(66, frame(n % 256, 1_000))) kept++;
    expect(kept).toBe(65);
    expect(held.bytes).toBeLessThanOrEqual(limits.maxBytesPerSender);
    for (let n = 0; n < 50; n++) expect(held.hold(1, frame(1, 1_000))).toBe(true);
  });
});
