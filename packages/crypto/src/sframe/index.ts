// SFrame (RFC 9605): header, the five cipher suites, key derivation, and send/receive state.
// Isomorphic: node:crypto is only reached inside nodeCryptoBackend(), so browsers can bundle this.
export { SFrameError, type SFrameErrorCode } from './errors.ts';
export {
  CIPHER_SUITES,
  MEETING_CIPHER_SUITE,
  PQ_MEETING_CIPHER_SUITE,
  type MeetingCipherSuite,
  isCipherSuiteId,
  suiteParams,
  type CipherSuiteId,
  type HashName,
  type SuiteParams,
} from './suites.ts';
export {
  encodeHeader,
  decodeHeader,
  MAX_HEADER_LENGTH,
  MAX_UINT64,
  type HeaderResult,
} from './header.ts';
export { deriveSubkeys, type AeadKey, type HmacKey, type SFrameCryptoBackend } from './backend.ts';
export { nodeCryptoBackend } from './node-backend.ts';
export { webCryptoBackend } from './web-backend.ts';
export { hkdfExpand, hkdfExtract } from './hkdf.ts';
export {
  BaseKeySecret,
  frameNonce,
  sframeKeyLabel,
  sframeSaltLabel,
  type FrameKey,
} from './key-schedule.ts';
export { ReplayWindow, DEFAULT_REPLAY_WINDOW } from './replay-window.ts';
export { SFrameSender, type SFrameSenderOptions } from './sender.ts';
export { SFrameReceiver, type SFrameReceiverOptions } from './receiver.ts';
export {
  DROP_REASONS,
  type DropReason,
  type ProtectResult,
  type RefuseReason,
  type UnprotectResult,
} from './types.ts';
