// The relay on a `ws` WebSocket (what @fastify/websocket hands a route): a sink over the socket,
// and the wiring from socket events to a relay membership. Authentication happens before this:
// the caller passes the meeting and relay id it has verified for this socket.
import { WebSocket, type RawData } from 'ws';
import type { MediaRelay } from './media-relay.ts';
import type { JoinResult, LeaveReason, RelayNotice, RelaySink } from './types.ts';
import { MAX_ENVELOPE_BYTES, encodeControl } from './wire.ts';

/**
 * Server options for the media WebSocket. Frames are ciphertext, so compression only costs CPU.
 * `maxPayload` leaves room above the envelope limit so an oversized frame gets a typed drop with
 * the connection kept, while a message far past it closes the socket before it is buffered.
 */
export const relayWebSocketOptions = {
  perMessageDeflate: false,
  maxPayload: 2 * MAX_ENVELOPE_BYTES,
} as const;

/** Close codes a participant sees (4000-4999 are the application's range). */
export const relayCloseCodes: Record<LeaveReason, number> = {
  left: 1000,
  relay_closed: 1001,
  removed: 4001,
  meeting_ended: 4002,
  replaced: 4003,
};

const sendOptions = { binary: true, compress: false } as const;

/** A sink over a socket dedicated to media: notices go as binary control messages. */
export function webSocketSink(socket: WebSocket): RelaySink {
  return {
    send(bytes) {
      if (socket.readyState === WebSocket.OPEN) socket.send(bytes, sendOptions);
    },
    notify(notice) {
      if (socket.readyState === WebSocket.OPEN) socket.send(encodeControl(notice), sendOptions);
    },
    get bufferedAmount() {
      return socket.bufferedAmount;
    },
    close(reason) {
      if (socket.readyState === WebSocket.CLOSED) return;
      // Anything still queued was meant for someone who is no longer a receiver: drop it rather
      // than flush it. Only an idle socket gets a clean close (after the notice just sent).
      if (socket.readyState !== WebSocket.OPEN || socket.bufferedAmount > 0) socket.terminate();
      else socket.close(relayCloseCodes[reason]);
    },
  };
}

/**
 * A sink over a socket that also carries JSON signaling: frames go as binary messages, notices
 * go to `notify` (which sends the signaling message, e.g. `keyframe-request`), and leaving the
 * relay leaves the socket open — its owner, the signaling connection, closes it.
 */
export function sharedWebSocketSink(
  socket: WebSocket,
  notify: (notice: RelayNotice) => void,
): RelaySink {
  return {
    send(bytes) {
      if (socket.readyState === WebSocket.OPEN) socket.send(bytes, sendOptions);
    },
    notify,
    get bufferedAmount() {
      return socket.bufferedAmount;
    },
    close() {
      // Nothing to do: the relay already forgot this participant, so nothing more is sent.
    },
  };
}

/**
 * Joins `socket` to the relay as `participantId` in `meetingId` and feeds it every message the
 * socket receives; the socket closing is the participant leaving. On rejection the socket is
 * untouched and still the caller's.
 */
export function attachWebSocket(
  relay: MediaRelay,
  meetingId: string,
  participantId: number,
  socket: WebSocket,
): JoinResult {
  const joined = relay.join(meetingId, participantId, webSocketSink(socket));
  if (joined.kind !== 'joined') return joined;
  const member = joined.member;
  socket.binaryType = 'nodebuffer';
  socket.on('message', (data: RawData) => {
    member.receive(toBytes(data));
  });
  socket.once('close', () => member.leave('left'));
  // 'close' follows every 'error'; without a listener an 'error' would crash the process.
  socket.on('error', () => undefined);
  return joined;
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}
