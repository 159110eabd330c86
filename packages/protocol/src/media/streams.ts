// A participant's media streams. The server assigns them together with the relay id: one stream
// per media kind, `stream id = relay id × 4 + the kind's code` (1 audio, 2 camera, 3 screen). The
// relay derives a connection's streams from the relay id it authenticated and refuses a frame on
// any other stream id (docs/media.md), so a stream id names its sender and its kind for as long as
// the relay id is that participant's — a predictable id is of no use to anyone else.
import { MediaWireError } from './errors.ts';
import { mediaKindCode, mediaKindFromCode, type MediaKind } from './kinds.ts';
import { isU32 } from './wire.ts';

/** Largest relay id whose stream ids fit the envelope's u32 stream id. */
export const MAX_RELAY_ID = 0x3fff_ffff;

/** The stream of `kind` that the participant with `relayId` sends on. */
export function streamIdOf(relayId: number, kind: MediaKind): number {
  if (!Number.isInteger(relayId) || relayId < 0 || relayId > MAX_RELAY_ID) {
    throw new MediaWireError(
      'invalid_field',
      'relayId',
      `A relay id must be an integer 0..${MAX_RELAY_ID}.`,
    );
  }
  return relayId * 4 + mediaKindCode(kind);
}

/** Whose stream `streamId` is, and of which kind; undefined for an id no participant has. */
export function streamOwner(
  streamId: number,
): { readonly relayId: number; readonly mediaKind: MediaKind } | undefined {
  if (!isU32(streamId)) return undefined;
  const mediaKind = mediaKindFromCode(streamId % 4);
  return mediaKind === undefined ? undefined : { relayId: Math.floor(streamId / 4), mediaKind };
}
