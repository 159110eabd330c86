// A malicious committer's tools for tests: open a Welcome for a joiner whose KeyPackage the test
// holds, change the ratchet tree or group context, and seal it again the way an honest committer
// would (tree hash and confirmation tag recomputed, GroupInfo signed with the committer's real key,
// group secrets re-encrypted to the joiner). Every check that does not look at the change passes,
// so a refusal can only come from the check under test.
import type { CiphersuiteImpl, GroupContext, KeyPackage, RatchetTree, Welcome } from 'ts-mls';
import { createConfirmationTag } from 'ts-mls/framedContent.js';
import {
  extractWelcomeSecret,
  ratchetTreeFromExtension,
  signGroupInfo,
  type GroupInfo,
} from 'ts-mls/groupInfo.js';
import type { GroupSecrets } from 'ts-mls/groupSecrets.js';
import { makeKeyPackageRef } from 'ts-mls/keyPackage.js';
import { deriveKeySchedule } from 'ts-mls/keySchedule.js';
import { decodeMlsMessage, encodeMlsMessage } from 'ts-mls/message.js';
import { encodeRatchetTree } from 'ts-mls/ratchetTree.js';
import { treeHashRoot } from 'ts-mls/treeHash.js';
import {
  decryptGroupInfo,
  decryptGroupSecrets,
  encryptGroupInfo,
  encryptGroupSecrets,
} from 'ts-mls/welcome.js';

export interface OpenedWelcome {
  readonly welcome: Welcome;
  readonly groupInfo: GroupInfo;
  readonly groupSecrets: GroupSecrets;
  readonly keyPackage: KeyPackage;
}

export async function openWelcome(
  cs: CiphersuiteImpl,
  bytes: Uint8Array,
  keyPackage: KeyPackage,
  initPrivateKey: Uint8Array,
): Promise<OpenedWelcome> {
  const message = decodeMlsMessage(bytes, 0)?.[0];
  if (message?.wireformat !== 'mls_welcome') throw new Error('not a Welcome');
  const ref = await makeKeyPackageRef(keyPackage, cs.hash);
  const privateKey = await cs.hpke.importPrivateKey(initPrivateKey);
  const groupSecrets = await decryptGroupSecrets(privateKey, ref, message.welcome, cs.hpke);
  if (groupSecrets === undefined || groupSecrets.psks.length > 0) throw new Error('group secrets');
  const groupInfo = await decryptGroupInfo(
    message.welcome,
    groupSecrets.joinerSecret,
    new Uint8Array(cs.kdf.size),
    cs,
  );
  if (groupInfo === undefined) throw new Error('group info');
  return { welcome: message.welcome, groupInfo, groupSecrets, keyPackage };
}

/** A fresh copy of the Welcome's ratchet tree, safe to modify. */
export function treeOf(opened: OpenedWelcome): RatchetTree {
  const tree = ratchetTreeFromExtension(opened.groupInfo);
  if (tree === undefined) throw new Error('no ratchet_tree extension');
  return tree;
}

/**
 * Seals `tree` (default: unchanged) into a new Welcome signed with `signerPrivateKey`. The tree
 * hash in the group context is recomputed for the new tree unless `context` overrides it.
 */
export async function sealWelcome(
  cs: CiphersuiteImpl,
  opened: OpenedWelcome,
  signerPrivateKey: Uint8Array,
  change: { readonly tree?: RatchetTree; readonly context?: Partial<GroupContext> } = {},
): Promise<Uint8Array> {
  const tree = change.tree ?? treeOf(opened);
  const { groupInfo, groupSecrets } = opened;
  const pskSecret = new Uint8Array(cs.kdf.size);
  const groupContext: GroupContext = {
    ...groupInfo.groupContext,
    treeHash: await treeHashRoot(tree, cs.hash),
    ...change.context,
  };
  const extensions = groupInfo.extensions.map((e) =>
    e.extensionType === 'ratchet_tree' ? { ...e, extensionData: encodeRatchetTree(tree) } : e,
  );
  const [keySchedule] = await deriveKeySchedule(
    groupSecrets.joinerSecret,
    pskSecret,
    groupContext,
    cs.kdf,
  );
  const confirmationTag = await createConfirmationTag(
    keySchedule.confirmationKey,
    groupContext.confirmedTranscriptHash,
    cs.hash,
  );
  const signed = await signGroupInfo(
    { groupContext, extensions, confirmationTag, signer: groupInfo.signer },
    signerPrivateKey,
    cs.signature,
  );
  const welcomeSecret = await extractWelcomeSecret(groupSecrets.joinerSecret, pskSecret, cs.kdf);
  const encryptedGroupInfo = await encryptGroupInfo(signed, welcomeSecret, cs);
  const initKey = await cs.hpke.importPublicKey(opened.keyPackage.initKey);
  const { ct, enc } = await encryptGroupSecrets(initKey, encryptedGroupInfo, groupSecrets, cs.hpke);
  const welcome: Welcome = {
    cipherSuite: opened.welcome.cipherSuite,
    secrets: [
      {
        newMember: await makeKeyPackageRef(opened.keyPackage, cs.hash),
        encryptedGroupSecrets: { kemOutput: enc, ciphertext: ct },
      },
    ],
    encryptedGroupInfo,
  };
  return encodeMlsMessage({ version: 'mls10', wireformat: 'mls_welcome', welcome });
}
