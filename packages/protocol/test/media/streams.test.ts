// Stream ids: assigned with the relay id, one per media kind, and read back to their owner.
import { describe, expect, it } from 'vitest';
import {
  MAX_RELAY_ID,
  MediaWireError,
  mediaKinds,
  streamIdOf,
  streamOwner,
} from '../../src/media/index.ts';

describe('stream ids', () => {
  it('are the relay id times four plus the kind’s code, and name their owner and kind', () => {
    expect(streamIdOf(0, 'audio')).toBe(1);
    expect(streamIdOf(7, 'camera')).toBe(30);
    expect(streamIdOf(0xffff, 'screen')).toBe(0x3_fffc + 3);
    expect(streamIdOf(MAX_RELAY_ID, 'screen')).toBe(0xffff_ffff);
    for (const relayId of [0, 1, 2, 0xffff, MAX_RELAY_ID]) {
      for (const mediaKind of mediaKinds) {
        expect(streamOwner(streamIdOf(relayId, mediaKind))).toEqual({ relayId, mediaKind });
      }
    }
  });

  it('never collide between participants or kinds', () => {
    const seen = new Set<number>();
    for (let relayId = 0; relayId < 300; relayId++) {
      for (const kind of mediaKinds) seen.add(streamIdOf(relayId, kind));
    }
    expect(seen.size).toBe(900);
  });

  it('have no owner when they are not one a participant can be assigned', () => {
    for (const id of [0, 4, 8, 0xffff_fffc, -1, 2 ** 32, 1.5, Number.NaN]) {
      expect(streamOwner(id), String(id)).toBeUndefined();
    }
  });

  it('refuse a relay id whose streams would not fit a u32', () => {
    for (const relayId of [-1, MAX_RELAY_ID + 1, 0.5, Number.NaN]) {
      expect(() => streamIdOf(relayId, 'audio')).toThrow(MediaWireError);
    }
  });
});
