// External proposals signed by the server (RFC 9420 §12.1.8): the server is not a member and holds
// no group secret; it only needs the group id, the epoch and its own signing key. The profile puts
// `external_senders` first and alone among the group-context extensions, so the server's sender
// index is always 0 (ts-mls counts it over all extensions when proposing, and over
// `external_senders` entries when receiving: with one extension, both agree).
import type { GroupContext, Proposal } from 'ts-mls';
import { protectExternalProposalPublic } from 'ts-mls/messageProtectionPublic.js';
import { encodePublicMessage } from 'ts-mls/publicMessage.js';
import type { MlsCrypto } from './crypto.ts';
import { MlsError, guard } from './errors.ts';
import { concatBytes } from './bytes.ts';
import type { ExternalSenderKeyPair } from './externalSender.ts';
import { decodeKeyPackageMessage } from './keyPackage.ts';

export interface ProposalTarget {
  readonly groupId: Uint8Array;
  /** The group's current epoch: a proposal lives only in its epoch; after a commit, propose again. */
  readonly epoch: bigint;
}

export const SERVER_SENDER_INDEX = 0;
const PUBLIC_MESSAGE_HEADER = Uint8Array.of(0x00, 0x01, 0x00, 0x01); // mls10, mls_public_message
const MAX_LEAF_INDEX = 0xffff_ffff;

/**
 * An Add proposal for a participant the server admitted, carrying the KeyPackage it handed out.
 * The KeyPackage is only decoded here: members verify it (and authenticate its credential).
 */
export async function proposeExternalAdd(
  crypto: MlsCrypto,
  signer: ExternalSenderKeyPair,
  target: ProposalTarget,
  keyPackage: Uint8Array,
): Promise<Uint8Array> {
  const decoded = decodeKeyPackageMessage(keyPackage);
  return sign(crypto, signer, target, { proposalType: 'add', add: { keyPackage: decoded } });
}

/** A Remove proposal for the member at `leafIndex` (left, removed, or timed out). */
export async function proposeExternalRemove(
  crypto: MlsCrypto,
  signer: ExternalSenderKeyPair,
  target: ProposalTarget,
  leafIndex: number,
): Promise<Uint8Array> {
  if (!Number.isInteger(leafIndex) || leafIndex < 0 || leafIndex > MAX_LEAF_INDEX)
    throw new MlsError('invalid_argument');
  return sign(crypto, signer, target, { proposalType: 'remove', remove: { removed: leafIndex } });
}

async function sign(
  crypto: MlsCrypto,
  signer: ExternalSenderKeyPair,
  target: ProposalTarget,
  proposal: Proposal,
): Promise<Uint8Array> {
  if (target.epoch < 0n || target.epoch >= 1n << 64n || target.groupId.length === 0)
    throw new MlsError('invalid_argument');
  // An external sender's signature does not cover the group context (RFC 9420 §6.1), so only the
  // fields that go on the wire matter here.
  const context: GroupContext = {
    version: 'mls10',
    cipherSuite: crypto.suite.name,
    groupId: target.groupId,
    epoch: target.epoch,
    treeHash: new Uint8Array(0),
    confirmedTranscriptHash: new Uint8Array(0),
    extensions: [],
  };
  const { publicMessage } = await guard('protocol', () =>
    protectExternalProposalPublic(
      signer.privateKey,
      context,
      new Uint8Array(0),
      proposal,
      { senderType: 'external', senderIndex: SERVER_SENDER_INDEX },
      crypto.impl,
    ),
  );
  return concatBytes(PUBLIC_MESSAGE_HEADER, encodePublicMessage(publicMessage));
}
