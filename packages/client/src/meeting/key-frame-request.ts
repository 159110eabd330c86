// The relay asks a sender for a key frame of one of its streams (a receiver joined, or lost
// frames): the app hears which of its own streams it is, or just the stream id if it is not one.
import { streamOwner } from '../wire.ts';
import type { MeetingEvents } from './types.ts';

export function keyFrameRequestEvent(
  streamId: number,
  ownRelayId: number | undefined,
): MeetingEvents['keyFrameRequest'] {
  const stream = streamOwner(streamId);
  const own = stream !== undefined && stream.relayId === ownRelayId;
  return { streamId, mediaKind: own ? stream.mediaKind : undefined };
}
