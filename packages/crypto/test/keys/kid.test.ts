import { describe, expect, it } from 'vitest';
import {
  MediaContext,
  parseKid,
  SFRAME_EPOCH_BITS,
  SFRAME_SENDER_BITS,
  sframeKid,
} from '../../src/keys/index.ts';
import { encodeHeader, SFrameError } from '../../src/sframe/index.ts';

describe('KID layout (RFC 9605 §5.2)', () => {
  it('is (context << (S + E)) + (sender << E) + (epoch mod 2^E) with S = 16, E = 8', () => {
    expect(SFRAME_EPOCH_BITS).toBe(8);
    expect(SFRAME_SENDER_BITS).toBe(16);
    expect(sframeKid(MediaContext.audio, 0, 0n)).toBe(0n);
    expect(sframeKid(MediaContext.audio, 1, 5n)).toBe(0x105n);
    expect(sframeKid(MediaContext.camera, 0x1234, 0x1_02n)).toBe(
      (1n << 24n) + (0x1234n << 8n) + 0x02n,
    );
    expect(sframeKid(MediaContext.screen, 0xffff, 0xffn)).toBe(0x2_ffff_ffn);
  });

  it('takes only the low E bits of the epoch', () => {
    expect(sframeKid(0, 3, 256n + 7n)).toBe(sframeKid(0, 3, 7n));
    expect(sframeKid(0, 3, (1n << 63n) + 1n)).toBe(sframeKid(0, 3, 1n));
  });

  it('round-trips through parseKid', () => {
    for (const [context, sender, epoch] of [
      [0, 0, 0n],
      [1, 65535, 255n],
      [2, 300, 1000n],
      [2 ** 40 - 1, 1, 2n],
    ] as const) {
      expect(parseKid(sframeKid(context, sender, epoch))).toEqual({
        context,
        senderLeafIndex: sender,
        epochBits: Number(epoch % 256n),
      });
    }
  });

  it('keeps audio KIDs short on the wire', () => {
    // Leaf < 2^16 and context 0: at most a 3-byte KID.
    expect(encodeHeader(sframeKid(MediaContext.audio, 65535, 255n), 0n).length).toBe(4);
  });

  it.each([
    [-1, 0, 0n],
    [2 ** 40, 0, 0n],
    [0, 65536, 0n],
    [0, 1.5, 0n],
    [0, 0, -1n],
  ])('refuses out-of-range fields (%s, %s, %s)', (context, sender, epoch) => {
    expect(() => sframeKid(context, sender, epoch)).toThrow(SFrameError);
  });
});
