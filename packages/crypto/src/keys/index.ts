// The epoch key ring: MLS epoch secrets in, SFrame keys out (spec "Media frames", RFC 9605 §5.2).
export {
  SFRAME_CONTEXT_BITS,
  SFRAME_EPOCH_BITS,
  SFRAME_SENDER_BITS,
  MediaContext,
  isMediaContext,
  parseKid,
  sframeKid,
  type MediaContextId,
} from './kid.ts';
export {
  DEFAULT_RETENTION_MS,
  EpochKeyRing,
  type EpochKeyRingOptions,
  type KeyRingUnprotectResult,
  type SendSwitch,
} from './epoch-key-ring.ts';
