// The member side of the MLS layer: group state, Welcome processing, the exporter. Clients only;
// the server must never reach this folder (test/mls/import-graph.test.ts).
export { createMeetingContext, type MeetingContext } from './context.ts';
export type { MeetingState, LibraryState } from './state.ts';
export {
  createAuthenticator,
  acceptChangedKey,
  staticDirectory,
  InMemoryPinStore,
  type Authenticator,
  type AuthenticatorOptions,
  type AuthEvent,
  type AuthFinding,
  type AuthRejectionReason,
  type Directory,
  type DirectoryAnswer,
  type PinStore,
} from './auth.ts';
export {
  createDevice,
  createHeldDevice,
  deviceRecordKind,
  exportDevice,
  holdDevice,
  importDevice,
  importHeldDevice,
  renameDevice,
  type DeviceCredential,
  type HeldDevice,
} from './device.ts';
export { canHoldSigningKeys } from '../public/provider/heldKeys.ts';
export {
  generateKeyPackage,
  MEETING_CAPABILITIES,
  meetingCapabilities,
  type KeyPackageBundle,
  type KeyPackageOptions,
} from './keyPackages.ts';
export { createMeeting } from './group.ts';
export { joinFromWelcome, type JoinResult } from './welcome.ts';
export { receiveMessage, type IncomingResult } from './incoming.ts';
export { commitPending, commitUpdate, type CommitResult } from './commit.ts';
export type { ProposalRejection, ProposalSummary } from './policy.ts';
export { encryptApplicationMessage } from './chat.ts';
export { members, type RosterEntry } from './roster.ts';
export {
  exportSFrameBaseKey,
  epoch,
  groupId,
  ownLeafIndex,
  securityCode,
  SFRAME_EXPORTER_LABEL,
  SFRAME_BASE_KEY_LENGTH,
  PQ_SFRAME_BASE_KEY_LENGTH,
  sframeSuiteOf,
} from './keys.ts';
export { syncKeyRing, type EpochKeySink } from './keyRing.ts';
export { encodeState, decodeState, sealState, openState } from './storage.ts';
export { wipe } from '../public/bytes.ts';
