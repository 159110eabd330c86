// Feeds what the connection receives into the meeting's serial queue: server messages always,
// media frames only while the queue is not too far behind (control messages are never shed).
import type { MediaSession } from '../media/media-session.ts';
import { mediaMessageFamily, type ServerMessage } from '../wire.ts';
import type { Connector } from './connector.ts';
import type { SerialQueue } from './serial-queue.ts';
import type { MeetingEvents } from './types.ts';

/**
 * Media frames one meeting lets wait behind its MLS and signaling work (about a second of four
 * senders' audio and video); past it a client that has fallen behind drops frames, counted as
 * `backlog`, instead of growing its queue without bound.
 */
export const MAX_QUEUED_FRAMES = 256;

export interface InboundHandlers {
  message(message: ServerMessage): Promise<void>;
  binary(bytes: Uint8Array): Promise<void>;
  /** The media session to count a shed frame in, if there is one yet. */
  media(): MediaSession | undefined;
  dropped(payload: MeetingEvents['dropped']): void;
  report(error: unknown): void;
}

export function queueInbound(
  connector: Connector,
  queue: SerialQueue,
  handlers: InboundHandlers,
): void {
  /** Media frames waiting in the queue (bounded: MAX_QUEUED_FRAMES). */
  let queuedFrames = 0;
  connector.events.on('message', ({ message }) => {
    queue.run(() => handlers.message(message)).catch((error: unknown) => handlers.report(error));
  });
  connector.events.on('binary', (bytes) => {
    const media = mediaMessageFamily(bytes) !== 'control';
    if (media && queuedFrames >= MAX_QUEUED_FRAMES) {
      // Behind (a slow device, or a backlog of MLS work): shed media, never control or MLS.
      const session = handlers.media();
      session?.stats.received(undefined);
      session?.stats.dropped('backlog', undefined);
      handlers.dropped({ reason: 'backlog', relayId: undefined });
      return;
    }
    if (media) queuedFrames++;
    queue
      .run(() => {
        if (media) queuedFrames--;
        return handlers.binary(bytes);
      })
      .catch((error: unknown) => handlers.report(error));
  });
}
