// The SFrame media relay (docs/media.md): a transport-agnostic core and its `ws` adapter.
export {
  DEFAULT_HARD_LIMIT_BYTES,
  DEFAULT_KEY_FRAME_REQUEST_INTERVAL_MS,
  DEFAULT_REFUSAL_NOTICE_INTERVAL_MS,
  DEFAULT_SOFT_LIMIT_BYTES,
  MediaRelay,
} from './media-relay.ts';
export {
  attachWebSocket,
  relayCloseCodes,
  relayWebSocketOptions,
  sharedWebSocketSink,
  webSocketSink,
} from './ws-adapter.ts';
export type {
  ControlRejectReason,
  ControlResult,
  DropReason,
  FrameResult,
  JoinResult,
  LeaveReason,
  MessageResult,
  RejectReason,
  RelayMember,
  RelayNotice,
  RelayOptions,
  RelayPeering,
  RelaySink,
  RelayStats,
  Subscription,
} from './types.ts';
