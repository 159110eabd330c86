// The SDK's one door to the wire contract (signaling messages and media envelopes).
export {
  parseServerMessage,
  REACTIONS,
  type ReactionName,
  type ClientInfo,
  type ClientMessage,
  type ServerMessage,
  type CallNotice,
  callNoticeTypes,
} from '@conclave/protocol';
export {
  ENVELOPE_HEADER_BYTES,
  MAX_ENVELOPE_BYTES,
  decodeControl,
  decodeEnvelope,
  encodeControl,
  encodeEnvelopeHeader,
  mediaKinds,
  mediaMessageFamily,
  streamIdOf,
  streamOwner,
  type EnvelopeFields,
  type FrameRefusedReason,
  type MediaKind,
} from '@conclave/protocol';
