import { SFrameError } from '../sframe/errors.ts';

// RFC 9605 §5.2: KID = (context << (S + E)) + (sender_index << E) + (epoch mod 2^E).
// E = 8 keeps up to 256 epochs apart, far more than the retention time ever holds at once;
// S = 16 covers every MLS leaf index a meeting can reach. With context 0 (audio) the KID is at
// most 3 bytes on the wire.
export const SFRAME_EPOCH_BITS = 8;
export const SFRAME_SENDER_BITS = 16;
export const SFRAME_CONTEXT_BITS = 64 - SFRAME_SENDER_BITS - SFRAME_EPOCH_BITS;

/** The `context` of a KID: which of a sender's streams a frame belongs to. */
export const MediaContext = { audio: 0, camera: 1, screen: 2 } as const;
export type MediaContextId = (typeof MediaContext)[keyof typeof MediaContext];

const CONTEXTS: ReadonlySet<number> = new Set(Object.values(MediaContext));

export function isMediaContext(context: number): context is MediaContextId {
  return CONTEXTS.has(context);
}

const E = BigInt(SFRAME_EPOCH_BITS);
const S = BigInt(SFRAME_SENDER_BITS);
const EPOCH_MASK = (1n << E) - 1n;
const SENDER_MASK = (1n << S) - 1n;

export function sframeKid(context: number, senderLeafIndex: number, epoch: bigint): bigint {
  if (!Number.isInteger(context) || context < 0 || context >= 2 ** SFRAME_CONTEXT_BITS) {
    throw new SFrameError(
      'invalid_argument',
      `KID context must be an integer below 2^${SFRAME_CONTEXT_BITS}`,
    );
  }
  if (!isLeafIndex(senderLeafIndex)) {
    throw new SFrameError(
      'invalid_argument',
      `sender leaf index must be an integer below 2^${SFRAME_SENDER_BITS}`,
    );
  }
  if (epoch < 0n) throw new SFrameError('invalid_argument', 'epoch must not be negative');
  return (BigInt(context) << (S + E)) | (BigInt(senderLeafIndex) << E) | (epoch & EPOCH_MASK);
}

/** Splits a KID; `kid` is any unsigned 64-bit value (the context field is at most 40 bits). */
export function parseKid(kid: bigint): {
  context: number;
  senderLeafIndex: number;
  epochBits: number;
} {
  return {
    context: Number(kid >> (S + E)),
    senderLeafIndex: Number((kid >> E) & SENDER_MASK),
    epochBits: Number(kid & EPOCH_MASK),
  };
}

export function epochBits(epoch: bigint): number {
  return Number(epoch & EPOCH_MASK);
}

export function isLeafIndex(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value < 2 ** SFRAME_SENDER_BITS;
}
