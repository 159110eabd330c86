// The frame envelope: exact bytes, round trips at the field limits, and one case per error code.
import { describe, expect, it } from 'vitest';
import {
  ENVELOPE_HEADER_BYTES,
  MAX_ENVELOPE_BYTES,
  MAX_TIMESTAMP_US,
  MediaWireError,
  decodeEnvelope,
  encodeEnvelope,
  encodeEnvelopeHeader,
  mediaMessageFamily,
  type EnvelopeFields,
} from '../../src/media/index.ts';

const fields: EnvelopeFields = {
  mediaKind: 'camera',
  keyFrame: true,
  layer: 2,
  streamId: 0x01020304,
  sender: 7,
  timestampUs: 2 ** 32 + 5,
};

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function withByte(bytes: Uint8Array, index: number, value: number): Uint8Array {
  const copy = bytes.slice();
  copy[index] = value;
  return copy;
}

describe('encodeEnvelope', () => {
  it('lays the header out as documented, followed by the SFrame bytes untouched', () => {
    const bytes = encodeEnvelope(fields, Uint8Array.of(0xaa, 0xbb));
    expect(hex(bytes)).toBe('c1020102' + '01020304' + '00000007' + '0000000100000005' + 'aabb');
    expect(hex(encodeEnvelopeHeader(fields))).toBe(hex(bytes.subarray(0, ENVELOPE_HEADER_BYTES)));
    expect(mediaMessageFamily(bytes)).toBe('frame');
  });

  it('codes each media kind and the key-frame flag', () => {
    const header = (mediaKind: EnvelopeFields['mediaKind'], keyFrame: boolean) =>
      hex(encodeEnvelopeHeader({ ...fields, mediaKind, keyFrame }).subarray(1, 3));
    expect([header('audio', false), header('camera', false), header('screen', true)]).toEqual([
      '0100',
      '0200',
      '0301',
    ]);
  });

  it.each([
    ['mediaKind', { mediaKind: 'microphone' }],
    ['keyFrame', { keyFrame: 1 }],
    ['layer', { layer: 256 }],
    ['layer', { layer: 1.5 }],
    ['streamId', { streamId: -7 }],
    ['streamId', { streamId: 2 ** 32 }],
    ['sender', { sender: Number.NaN }],
    ['timestampUs', { timestampUs: -3 }],
    ['timestampUs', { timestampUs: 2 ** 53 }],
  ])('refuses an invalid %s with a typed error that does not echo the value', (field, patch) => {
    const bad = { ...fields, ...patch } as unknown as EnvelopeFields;
    let caught: unknown;
    try {
      encodeEnvelope(bad, Uint8Array.of(1));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MediaWireError);
    expect(caught).toMatchObject({ code: 'invalid_field', field });
    expect((caught as Error).message).not.toContain(String(Object.values(patch)[0]));
  });

  it('refuses an empty or oversized SFrame frame', () => {
    expect(() => encodeEnvelope(fields, new Uint8Array(0))).toThrow(MediaWireError);
    const largest = new Uint8Array(MAX_ENVELOPE_BYTES - ENVELOPE_HEADER_BYTES);
    expect(encodeEnvelope(fields, largest)).toHaveLength(MAX_ENVELOPE_BYTES);
    expect(() => encodeEnvelope(fields, new Uint8Array(largest.length + 1))).toThrow(
      expect.objectContaining({ code: 'too_large' }) as Error,
    );
  });
});

describe('decodeEnvelope', () => {
  it('round-trips every field at its limits', () => {
    const cases: EnvelopeFields[] = [
      fields,
      { mediaKind: 'audio', keyFrame: false, layer: 0, streamId: 0, sender: 0, timestampUs: 0 },
      {
        mediaKind: 'screen',
        keyFrame: true,
        layer: 255,
        streamId: 0xffff_ffff,
        sender: 0xffff_ffff,
        timestampUs: MAX_TIMESTAMP_US,
      },
    ];
    for (const original of cases) {
      const sframe = Uint8Array.of(9, 8, 7);
      const bytes = encodeEnvelope(original, sframe);
      const decoded = decodeEnvelope(bytes);
      expect(decoded.kind).toBe('ok');
      if (decoded.kind !== 'ok') continue;
      expect(decoded.envelope).toEqual(original);
      expect(decoded.payload).toEqual(sframe);
      expect(decoded.header).toEqual(encodeEnvelopeHeader(original));
    }
  });

  it('returns views into the input, so the relay forwards without copying', () => {
    const bytes = encodeEnvelope(fields, new Uint8Array(100));
    const decoded = decodeEnvelope(bytes);
    if (decoded.kind !== 'ok') throw new Error(decoded.code);
    expect(decoded.header.buffer).toBe(bytes.buffer);
    expect(decoded.payload.byteOffset).toBe(bytes.byteOffset + ENVELOPE_HEADER_BYTES);
  });

  it('reads a Node Buffer and an offset view the same as a plain array', () => {
    const bytes = encodeEnvelope(fields, Uint8Array.of(1, 2));
    const padded = new Uint8Array(bytes.length + 7);
    padded.set(bytes, 7);
    for (const input of [Buffer.from(bytes), padded.subarray(7)]) {
      const decoded = decodeEnvelope(input);
      if (decoded.kind !== 'ok') throw new Error(decoded.code);
      expect(decoded.envelope).toEqual(fields);
      expect(hex(decoded.header)).toBe(hex(bytes.subarray(0, ENVELOPE_HEADER_BYTES)));
      expect(hex(decoded.payload)).toBe('0102');
    }
  });

  it('answers each kind of malformed input with its own code', () => {
    const valid = encodeEnvelope(fields, Uint8Array.of(1));
    const timestampTooBig = valid.slice();
    timestampTooBig.set([0x00, 0x20, 0x00, 0x00], 12);
    const cases: [Uint8Array, string][] = [
      [new Uint8Array(0), 'truncated'],
      [valid.subarray(0, ENVELOPE_HEADER_BYTES - 1), 'truncated'],
      [valid.subarray(0, ENVELOPE_HEADER_BYTES), 'empty_payload'],
      [new Uint8Array(MAX_ENVELOPE_BYTES + 1).fill(0xc1), 'too_large'],
      [withByte(valid, 0, 0x00), 'bad_magic'],
      [withByte(valid, 0, 0xd1), 'bad_magic'],
      [withByte(valid, 0, 0xc2), 'unsupported_version'],
      [withByte(valid, 0, 0xc0), 'unsupported_version'],
      [withByte(valid, 1, 0), 'bad_media_kind'],
      [withByte(valid, 1, 4), 'bad_media_kind'],
      [withByte(valid, 2, 0x02), 'reserved_flags'],
      [withByte(valid, 2, 0x81), 'reserved_flags'],
      [timestampTooBig, 'timestamp_out_of_range'],
    ];
    for (const [bytes, code] of cases) {
      expect(decodeEnvelope(bytes), code).toEqual({ kind: 'error', code });
    }
  });

  it('accepts the largest timestamp and the largest envelope', () => {
    const bytes = encodeEnvelope(
      { ...fields, timestampUs: MAX_TIMESTAMP_US },
      new Uint8Array(MAX_ENVELOPE_BYTES - 20),
    );
    expect(decodeEnvelope(bytes)).toMatchObject({
      kind: 'ok',
      envelope: { timestampUs: 2 ** 53 - 1 },
    });
  });
});
