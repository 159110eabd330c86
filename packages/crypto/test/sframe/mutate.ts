import { decodeHeader, encodeHeader } from '../../src/sframe/index.ts';

// A small deterministic PRNG, so a failure reproduces.
export function prng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s % n;
  };
}

/**
 * One mutation of a genuine frame (or plain garbage); never returns the frame and metadata
 * unchanged. Case 1 writes garbage behind a header for the frame's own KID.
 */
export function mutate(
  frame: Uint8Array,
  rand: (n: number) => number,
  metadata: Uint8Array,
): { bytes: Uint8Array; meta: Uint8Array } {
  const header = decodeHeader(frame);
  if (header.kind !== 'ok') throw new Error('genuine frame must parse');
  const body = frame.subarray(header.length);
  const randomBytes = (len: number): Uint8Array =>
    Uint8Array.from({ length: len }, () => rand(256));
  const out = (bytes: Uint8Array, meta = metadata) => ({ bytes, meta });
  switch (rand(10)) {
    case 0:
      return out(randomBytes(rand(64)));
    case 1:
      return out(
        Uint8Array.from([
          ...encodeHeader(header.kid, BigInt(rand(1 << 20))),
          ...randomBytes(rand(80)),
        ]),
      );
    case 2: {
      const bytes = frame.slice();
      const bit = rand(bytes.length * 8);
      bytes[bit >> 3] = (bytes[bit >> 3] ?? 0) ^ (1 << (bit & 7));
      return out(bytes);
    }
    case 3: {
      const bytes = frame.slice();
      for (let i = 1 + rand(4); i > 0; i--) bytes[rand(bytes.length)] = rand(256);
      if (bytes.every((b, i) => b === frame[i])) bytes[0] = (bytes[0] ?? 0) ^ 0xff;
      return out(bytes);
    }
    case 4:
      return out(frame.slice(0, rand(frame.length)));
    case 5:
      return out(Uint8Array.from([...frame, ...randomBytes(1 + rand(8))]));
    case 6: {
      // Header-length games: flip a length flag or change a length field in the config byte.
      const bytes = frame.slice();
      bytes[0] = (bytes[0] ?? 0) ^ [0x80, 0x08, 0x10, 0x20, 0x40, 0x01, 0x02, 0x04][rand(8)]!;
      return out(bytes);
    }
    case 7: // the same body under another CTR: the nonce and AAD both change
      return out(
        Uint8Array.from([
          ...encodeHeader(header.kid, header.ctr + 1n + BigInt(rand(1000))),
          ...body,
        ]),
      );
    case 8: // the same body under another KID
      return out(
        Uint8Array.from([
          ...encodeHeader(header.kid ^ (1n << BigInt(rand(20))), header.ctr),
          ...body,
        ]),
      );
    default: {
      const meta = metadata.slice();
      meta[rand(meta.length)]! ^= 1 + rand(255);
      return out(frame, meta);
    }
  }
}
