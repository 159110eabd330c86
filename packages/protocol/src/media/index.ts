// The media channel's wire contract: frame envelopes and relay control messages (docs/media.md).
export {
  ENVELOPE_HEADER_BYTES,
  MAX_ENVELOPE_BYTES,
  MAX_TIMESTAMP_US,
  decodeEnvelope,
  encodeEnvelope,
  encodeEnvelopeHeader,
  envelopeErrorCodes,
  type DecodedEnvelope,
  type Envelope,
  type EnvelopeErrorCode,
  type EnvelopeFields,
} from './envelope.ts';
export {
  MAX_SUBSCRIBED_STREAMS,
  decodeControl,
  encodeControl,
  frameRefusedReasons,
  removedReasons,
  type ControlErrorCode,
  type DecodedControl,
  type FrameRefusedReason,
  type RelayControl,
  type RemovedReason,
} from './control.ts';
export { MAX_RELAY_ID, streamIdOf, streamOwner } from './streams.ts';
export {
  ALL_MEDIA_KINDS_MASK,
  isMediaKind,
  mediaKindBit,
  mediaKinds,
  type MediaKind,
} from './kinds.ts';
export { MediaWireError, type MediaWireErrorCode } from './errors.ts';
export { mediaMessageFamily, type MediaMessageFamily } from './wire.ts';
