// What nodes say to each other about a participant whose socket is on one node (its gateway) and
// whose meeting's room is on another (the host). Client messages cross as the text the client
// sent, so the host validates them with the same protocol schemas as a socket of its own; who the
// participant is crosses only as their session hash and device, which the host looks up itself.
import type { BlockReason } from '../realtime/admission.ts';
import type { LeaveHow } from '../realtime/room-types.ts';
import type { ClientInfo, ServerMessage, SignalingErrorCode } from '../realtime/signaling.ts';

/** Gateway → host, request/reply: put this socket's participant into the meeting. */
export interface JoinAsk {
  readonly gateway: string;
  readonly conn: string;
  readonly sessionHash: string;
  readonly deviceId: string;
  readonly client: ClientInfo;
  /** The client's `join` message as it sent it. */
  readonly join: string;
}

export type JoinAnswer =
  | { readonly ok: true }
  /** The host no longer hosts the meeting: route again. */
  | { readonly ok: false; readonly moved: true }
  | { readonly ok: false; readonly code: SignalingErrorCode; readonly message: string }
  | { readonly ok: false; readonly blocked: readonly BlockReason[] };

/** Gateway → host, about a participant it joined. */
export type HostSignal = { readonly gateway: string; readonly conn: string } & (
  | { readonly op: 'message'; readonly text: string }
  | { readonly op: 'leave'; readonly how: LeaveHow }
  | { readonly op: 'signed-out' }
);

/** Host → gateway, about one of its sockets. */
export type GatewaySignal = { readonly conn: string } & (
  | { readonly op: 'send'; readonly message: ServerMessage }
  | {
      readonly op: 'membership';
      readonly membership: { meetingId: string; participantId: string; relayId: number } | null;
    }
  /** The host let the meeting go (its lease moved): the client should reconnect. */
  | { readonly op: 'evict' }
);

/** Host → gateway: one message for several of its sockets (a broadcast crosses once). */
export interface GatewayFanOut {
  readonly op: 'send-many';
  readonly conns: readonly string[];
  readonly message: ServerMessage;
}

/** Host → gateway: the host let go of every participant of this gateway (it took it for lost). */
export interface GatewayForgotten {
  readonly op: 'host-forgot';
  readonly host: string;
}

/** Any node → host, request/reply. */
export interface MeetingAsk {
  readonly tenantId: string;
  readonly meetingId: string;
  readonly userId?: string;
}
