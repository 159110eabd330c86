// The relay's one door to the media wire contract. `@conclave/protocol` does not re-export its
// media module yet; once its index does, this path becomes '@conclave/protocol' and nothing else
// in the relay changes.
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
} from '../../../../../packages/protocol/src/media/index.ts';
