import { describe, expect, it } from 'vitest';
import { decodeHeader, encodeHeader, MAX_UINT64, SFrameError } from '../../src/sframe/index.ts';
import { hex, loadVectors, unhex } from './helpers.ts';

const vectors = loadVectors().header;

describe('SFrame header (RFC 9605 §4.3)', () => {
  it.each(vectors.map((v) => [v.kid, v.ctr, v.encoded] as const))(
    'kid %s ctr %s encodes to %s and back',
    (kid, ctr, encoded) => {
      expect(hex(encodeHeader(kid, ctr))).toBe(encoded);
      const decoded = decodeHeader(unhex(encoded));
      expect(decoded).toEqual({ kind: 'ok', kid, ctr, length: encoded.length / 2 });
    },
  );

  it('covers every length form of KID and CTR', () => {
    const bytesOf = (n: bigint): number => (n < 8n ? 0 : Math.ceil(n.toString(16).length / 2));
    const all = [0, 1, 2, 3, 4, 5, 6, 7, 8];
    expect([...new Set(vectors.map((v) => bytesOf(v.kid)))].sort()).toEqual(all);
    expect([...new Set(vectors.map((v) => bytesOf(v.ctr)))].sort()).toEqual(all);
  });

  it('reads the header at the start of a longer frame', () => {
    const frame = new Uint8Array([...encodeHeader(0x1234n, 0x56n), 0xaa, 0xbb]);
    expect(decodeHeader(frame)).toEqual({ kind: 'ok', kid: 0x1234n, ctr: 0x56n, length: 4 });
  });

  it.each([
    ['empty', ''],
    ['KID bytes missing', '80'],
    ['CTR bytes cut short', '0b0102'],
    ['KID and CTR cut short', 'ff' + '11'.repeat(15)],
    ['non-minimal KID (leading zero)', '900012'],
    ['non-minimal KID (value below 8)', '8005'],
    ['non-minimal CTR (leading zero)', '090001'],
    ['non-minimal CTR (value below 8)', '0807'],
  ])('drops a malformed header: %s', (_name, bytes) => {
    expect(decodeHeader(unhex(bytes))).toEqual({ kind: 'drop', reason: 'malformed_header' });
  });

  it('refuses values outside 64 bits', () => {
    expect(() => encodeHeader(MAX_UINT64 + 1n, 0n)).toThrow(SFrameError);
    expect(() => encodeHeader(0n, -1n)).toThrow(SFrameError);
  });

  it('every single byte and every pair decodes without throwing', () => {
    for (let a = 0; a < 256; a++) {
      const one = decodeHeader(new Uint8Array([a]));
      const expectOk = (a & 0x88) === 0;
      expect(one.kind).toBe(expectOk ? 'ok' : 'drop');
      for (let b = 0; b < 256; b++) decodeHeader(new Uint8Array([a, b]));
    }
  });
});
