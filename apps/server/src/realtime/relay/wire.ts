// The relay's one door to the media wire contract.
export {
  ALL_MEDIA_KINDS_MASK,
  MAX_ENVELOPE_BYTES,
  decodeControl,
  decodeEnvelope,
  encodeControl,
  envelopeErrorCodes,
  mediaKindBit,
  mediaMessageFamily,
  type EnvelopeErrorCode,
  type MediaKind,
  type RelayControl,
  type RemovedReason,
} from '@conclave/protocol';
