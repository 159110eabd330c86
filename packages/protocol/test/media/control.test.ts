// Relay control messages: exact bytes, round trips, and one case per error code.
import { describe, expect, it } from 'vitest';
import {
  MAX_SUBSCRIBED_STREAMS,
  MediaWireError,
  decodeControl,
  encodeControl,
  frameRefusedReasons,
  mediaMessageFamily,
  removedReasons,
  type RelayControl,
} from '../../src/media/index.ts';

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

describe('control messages', () => {
  it('lay out as documented', () => {
    expect(hex(encodeControl({ kind: 'key_frame_request', streamId: 0x0a0b0c0d }))).toBe(
      'd1010a0b0c0d',
    );
    expect(hex(encodeControl({ kind: 'removed', reason: 'removed' }))).toBe('d10201');
    expect(hex(encodeControl({ kind: 'removed', reason: 'relay_closed' }))).toBe('d10204');
    expect(
      hex(encodeControl({ kind: 'subscribe', mediaKinds: ['audio', 'screen'], streams: 'all' })),
    ).toBe('d1030500');
    expect(
      hex(encodeControl({ kind: 'subscribe', mediaKinds: ['camera'], streams: [1, 0xffff_ffff] })),
    ).toBe('d1030201' + '0002' + '00000001' + 'ffffffff');
    expect(
      hex(
        encodeControl({
          kind: 'frame_refused',
          streamId: 0x0102_0304,
          mediaKind: 'screen',
          reason: 'stream_not_owned',
          frames: 0x0a0b_0c0d,
        }),
      ),
    ).toBe('d104' + '01020304' + '03' + '02' + '0a0b0c0d');
    expect(mediaMessageFamily(encodeControl({ kind: 'removed', reason: 'replaced' }))).toBe(
      'control',
    );
  });

  it('round-trip', () => {
    const messages: RelayControl[] = [
      { kind: 'key_frame_request', streamId: 0 },
      { kind: 'key_frame_request', streamId: 0xffff_ffff },
      ...removedReasons.map((reason): RelayControl => ({ kind: 'removed', reason })),
      { kind: 'subscribe', mediaKinds: [], streams: 'all' },
      { kind: 'subscribe', mediaKinds: ['audio', 'camera', 'screen'], streams: [] },
      {
        kind: 'subscribe',
        mediaKinds: ['audio', 'camera'],
        streams: Array.from({ length: MAX_SUBSCRIBED_STREAMS }, (_, i) => i * 7),
      },
      ...frameRefusedReasons.map((reason): RelayControl => ({
        kind: 'frame_refused',
        streamId: 0xffff_ffff,
        mediaKind: 'audio',
        reason,
        frames: 1,
      })),
      {
        kind: 'frame_refused',
        streamId: 0,
        mediaKind: 'camera',
        reason: 'spoofed_sender',
        frames: 2 ** 32 - 1,
      },
    ];
    for (const control of messages) {
      expect(decodeControl(encodeControl(control))).toEqual({ kind: 'ok', control });
    }
  });

  it('answer each kind of malformed input with its own code', () => {
    const tooMany = new Uint8Array(6 + 4 * (MAX_SUBSCRIBED_STREAMS + 1));
    tooMany.set([
      0xd1,
      0x03,
      0x01,
      0x01,
      (MAX_SUBSCRIBED_STREAMS + 1) >> 8,
      (MAX_SUBSCRIBED_STREAMS + 1) & 0xff,
    ]);
    const cases: [number[] | Uint8Array, string][] = [
      [[], 'truncated'],
      [[0xd1], 'truncated'],
      [[0xc1, 0x01, 0, 0, 0, 0], 'bad_magic'],
      [[0xd2, 0x01, 0, 0, 0, 0], 'unsupported_version'],
      [[0xd1, 0x00], 'unknown_type'],
      [[0xd1, 0x05], 'unknown_type'],
      [[0xd1, 0x01, 0, 0, 0], 'truncated'],
      [[0xd1, 0x01, 0, 0, 0, 0, 0], 'trailing_bytes'],
      [[0xd1, 0x02], 'truncated'],
      [[0xd1, 0x02, 0], 'bad_reason'],
      [[0xd1, 0x02, 5], 'bad_reason'],
      [[0xd1, 0x02, 1, 1], 'trailing_bytes'],
      [[0xd1, 0x03, 0x08, 0x00], 'bad_media_mask'],
      [[0xd1, 0x03, 0x01, 0x02], 'reserved_flags'],
      [[0xd1, 0x03, 0x01, 0x01, 0x00], 'truncated'],
      [[0xd1, 0x03, 0x01, 0x01, 0x00, 0x01, 0, 0, 0], 'truncated'],
      [[0xd1, 0x03, 0x01, 0x00, 0x00], 'trailing_bytes'],
      [tooMany, 'too_many_streams'],
      [[0xd1, 0x04, 0, 0, 0, 9, 2, 2, 0, 0, 0], 'truncated'],
      [[0xd1, 0x04, 0, 0, 0, 9, 0, 2, 0, 0, 0, 1], 'bad_media_kind'],
      [[0xd1, 0x04, 0, 0, 0, 9, 4, 2, 0, 0, 0, 1], 'bad_media_kind'],
      [[0xd1, 0x04, 0, 0, 0, 9, 2, 0, 0, 0, 0, 1], 'bad_reason'],
      [[0xd1, 0x04, 0, 0, 0, 9, 2, 3, 0, 0, 0, 1], 'bad_reason'],
      [[0xd1, 0x04, 0, 0, 0, 9, 2, 2, 0, 0, 0, 0], 'bad_count'],
      [[0xd1, 0x04, 0, 0, 0, 9, 2, 2, 0, 0, 0, 1, 0], 'trailing_bytes'],
    ];
    for (const [bytes, code] of cases) {
      expect(decodeControl(Uint8Array.from(bytes)), code).toEqual({ kind: 'error', code });
    }
  });

  it('refuse to encode what does not fit the wire', () => {
    const bad: unknown[] = [
      { kind: 'key_frame_request', streamId: 2 ** 32 },
      { kind: 'removed', reason: 'kicked' },
      {
        kind: 'frame_refused',
        streamId: 1,
        mediaKind: 'video',
        reason: 'spoofed_sender',
        frames: 1,
      },
      { kind: 'frame_refused', streamId: 1, mediaKind: 'audio', reason: 'rude', frames: 1 },
      {
        kind: 'frame_refused',
        streamId: 1,
        mediaKind: 'audio',
        reason: 'spoofed_sender',
        frames: 0,
      },
      {
        kind: 'frame_refused',
        streamId: -1,
        mediaKind: 'audio',
        reason: 'spoofed_sender',
        frames: 1,
      },
      { kind: 'subscribe', mediaKinds: ['video'], streams: 'all' },
      { kind: 'subscribe', mediaKinds: ['audio'], streams: [-1] },
      {
        kind: 'subscribe',
        mediaKinds: ['audio'],
        streams: new Array<number>(MAX_SUBSCRIBED_STREAMS + 1).fill(1),
      },
    ];
    for (const control of bad) {
      expect(() => encodeControl(control as RelayControl)).toThrow(MediaWireError);
    }
  });
});
