// @conclave/client — the Conclave SDK for browsers and Node: sign in, register this device's
// identity, join meetings as an MLS member (E2EE) or with the server's media key (standard),
// publish and receive SFrame-protected frames, chat, react, announce what media is on (and a raised
// hand). Node-only helpers
// are in `./node`.
export { ConclaveClient, SDK_VERSION, type ConnectOptions } from './client.ts';
export { Meeting } from './meeting/meeting.ts';
export { CallNotices, type CallNoticeEvents } from './calls/call-notices.ts';
export {
  OrganizerAdmissions,
  INVITATION_LIST_VALIDITY_MS,
  LOBBY_ADMISSION_VALIDITY_MS,
  type InvitationOptions,
} from './identity/organizer-admissions.ts';
export type { CodeCheck, DeviceRef } from './identity/device-verification.ts';
export {
  decodeVerificationCode,
  encodeVerificationCode,
  fingerprintDigits,
  fingerprintLines,
  type DeviceKeyView,
  type VerificationCode,
} from './identity/verification-code.ts';
export type { CallNotice } from './wire.ts';
export type {
  ChatMessage,
  JoinOptions,
  KeyChange,
  MediaState,
  MediaStateChange,
  MeetingEvents,
  MeetingPhase,
  MeetingStats,
  NewDevice,
  Reaction,
  RefusedCredential,
  SecurityAlarm,
  RemovedReason,
  SenderStallEvent,
  RemovalEvent,
} from './meeting/types.ts';
export type { DeviceNote, RosterMember } from './meeting/roster.ts';
export { DEFAULT_SEND_SWITCH_BOUND_MS, type SenderSwitchCounts } from './meeting/sender-switch.ts';
export type { MlsTimings } from './mls/timings.ts';
export type { MlsTurns, TimedValue } from './mls/turns.ts';
export type { RemovalResult } from './meeting/removals.ts';
export type { Participant } from './meeting/participants.ts';
export type { ReconnectPolicy, ReconnectReason } from './meeting/connector.ts';
export {
  streamIdFor,
  type IngestResult,
  type PublishOptions,
  type PublishResult,
  type ReceivedFrame,
  type SenderInfo,
} from './media/media-session.ts';
export {
  inProcessFrameProtector,
  type FrameProtector,
  type FrameProtectorFactory,
  type FrameProtectorOptions,
} from './media/frame-protector.ts';
export type { FrameCounters, FrameDropReason, SenderCounters } from './media/stats.ts';
export { STALL_AFTER_MS, type SenderStall, type StallReason } from './media/sender-stalls.ts';
export type { FrameRefusedReason } from './wire.ts';
export { ClientError, type BlockReason, type ClientErrorCode } from './errors.ts';
export { MemoryStore, type CryptoKeyStore, type KeyValueStore } from './store/key-value.ts';
export { systemClock, type Clock, type TimerHandle } from './clock.ts';
export { realtimeUrl, type WebSocketFactory, type WebSocketLike } from './transport/websocket.ts';
export type { Auth } from './rest/rest-client.ts';
export { REACTIONS, type MediaKind, type ReactionName } from './wire.ts';
