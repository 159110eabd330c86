// The server-safe half of the MLS layer: everything here works on public data or on the server's
// own external-sender key. Nothing in this folder (or what it imports) holds group state,
// processes a Welcome or touches the exporter; test/mls/import-graph.test.ts keeps it that way.
export { MlsError, type MlsErrorCode } from './errors.ts';
export {
  createMlsCrypto,
  MEETING_SUITE_ID,
  MEETING_SUITES,
  PQ_MEETING_SUITE_ID,
  meetingSuiteOf,
  type MeetingSuite,
  type MeetingSuiteKind,
  type MlsCrypto,
  type MlsCryptoOptions,
  type MlsProviderName,
} from './crypto.ts';
export {
  encodeIdentity,
  parseIdentity,
  tryParseIdentity,
  encodeServerIdentity,
  parseServerIdentity,
  identitiesEqual,
  identityKey,
  type MemberIdentity,
  type ServerIdentity,
} from './identity.ts';
export {
  generateExternalSender,
  exportExternalSender,
  importExternalSender,
  externalSenderInfo,
  encodeExternalSenderInfo,
  decodeExternalSenderInfo,
  externalSenderInfoEqual,
  type ExternalSenderInfo,
  type ExternalSenderKeyPair,
} from './externalSender.ts';
export { proposeExternalAdd, proposeExternalRemove, type ProposalTarget } from './proposals.ts';
export {
  readMessageHeader,
  type MessageHeader,
  type WireFormat,
  type ContentType,
  type SenderKind,
} from './headers.ts';
export {
  inspectKeyPackage,
  type KeyPackageInfo,
  type KeyPackageCheckOptions,
} from './keyPackage.ts';
// Added for the delivery service (apps/server/src/realtime): Welcome routing by KeyPackageRef.
export { readWelcomeRecipients, type WelcomeRecipients } from './welcomeRecipients.ts';
export { keyFingerprint } from './fingerprint.ts';
export type { SignatureKeyPair } from './signatureKeys.ts';
export {
  readPublicCommit,
  proposalReference,
  type PublicCommit,
  type CommittedProposal,
} from './commits.ts';
export {
  encodeAdmission,
  decodeAdmission,
  signAdmission,
  verifyAdmission,
  type AdmissionKind,
  type AdmissionStatement,
  type SignedAdmission,
} from './admission.ts';
export {
  admissionCoverage,
  type AdmissionCoverage,
  type CoverageContext,
} from './admission-coverage.ts';
