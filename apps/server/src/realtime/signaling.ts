// The realtime side's one door to the signaling contract, with helpers typed over it.
export {
  SIGNALING_PATH,
  parseClientMessage,
  signalingErrorCodes,
  type ClientInfo,
  type ClientMessage,
  type ServerMessage,
  type SignalingErrorCode,
} from '@conclave/protocol';

import type { ClientMessage, ServerMessage } from '@conclave/protocol';

export type ClientMessageOf<T extends ClientMessage['type']> = Extract<ClientMessage, { type: T }>;
export type ServerMessageOf<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;
/** A client message about a meeting (everything but `hello` and `ping`). */
export type MeetingMessage = Exclude<ClientMessage, { type: 'hello' | 'ping' }>;
