// Processing a Welcome exactly as ts-mls 1.6.4's `joinGroup` does (`joinGroupWithExtensions` in
// clientState.js), for the way the adapter calls it: the ratchet tree comes from the GroupInfo's
// `ratchet_tree` extension and no prior state is resumed. Every step is the library's own exported
// function, in the library's order, with the library's errors; the only change is the ratchet-tree
// validation (`./ratchetTreeValidation.ts`), which runs the same checks but hashes each subtree
// once. ts-mls 1.6.4 spends ~90 % of a churned 200-member join re-hashing subtrees there.
// Mirrors one pinned library version: `test/mls/join-mirror.test.ts` checks the pin and compares
// this function with the library's on valid and tampered Welcomes. On upgrading ts-mls (2.x caches
// tree hashes itself), go back to the library's `joinGroup` and delete this folder.
import type {
  CiphersuiteImpl,
  ClientConfig,
  ClientState,
  KeyPackage,
  PrivateKeyPackage,
  PskIndex,
  Welcome,
} from 'ts-mls';
import { extensionsSupportedByCapabilities } from 'ts-mls/extension.js';
import {
  ratchetTreeFromExtension,
  verifyGroupInfoConfirmationTag,
  verifyGroupInfoSignature,
} from 'ts-mls/groupInfo.js';
import { makeKeyPackageRef } from 'ts-mls/keyPackage.js';
import { deriveKeySchedule } from 'ts-mls/keySchedule.js';
import {
  CodecError,
  CryptoVerificationError,
  UsageError,
  ValidationError,
} from 'ts-mls/mlsError.js';
import { pathToRoot } from 'ts-mls/pathSecrets.js';
import { mergePrivateKeyPaths, toPrivateKeyPath } from 'ts-mls/privateKeyPath.js';
import { accumulatePskSecret } from 'ts-mls/pskIndex.js';
import { findLeafIndex } from 'ts-mls/ratchetTree.js';
import { createSecretTree } from 'ts-mls/secretTree.js';
import { leafToNodeIndex, leafWidth, toLeafIndex } from 'ts-mls/treemath.js';
import { firstCommonAncestor } from 'ts-mls/updatePath.js';
import { zeroOutUint8Array } from 'ts-mls/util/byteArray.js';
import { decryptGroupInfo, decryptGroupSecrets } from 'ts-mls/welcome.js';
import { throwIfDefined } from 'ts-mls/clientState.js';
import { validateRatchetTree } from './ratchetTreeValidation.ts';

export async function joinGroup(
  welcome: Welcome,
  keyPackage: KeyPackage,
  privateKeys: PrivateKeyPackage,
  pskSearch: PskIndex,
  cs: CiphersuiteImpl,
  clientConfig: ClientConfig,
): Promise<ClientState> {
  const keyPackageRef = await makeKeyPackageRef(keyPackage, cs.hash);
  const privKey = await cs.hpke.importPrivateKey(privateKeys.initPrivateKey);
  const groupSecrets = await decryptGroupSecrets(privKey, keyPackageRef, welcome, cs.hpke);
  if (groupSecrets === undefined) throw new CodecError('Could not decode group secrets');
  const zeroes = new Uint8Array(cs.kdf.size);
  const [pskSecret, pskIds] = await accumulatePskSecret(groupSecrets.psks, pskSearch, cs, zeroes);
  const gi = await decryptGroupInfo(welcome, groupSecrets.joinerSecret, pskSecret, cs);
  if (gi === undefined) throw new CodecError('Could not decode group info');
  // The library checks a resumption PSK against the state being resumed; there never is one here.
  if (pskIds.some((id) => id.psktype === 'resumption'))
    throw new ValidationError('No prior state passed for resumption');
  if (
    !extensionsSupportedByCapabilities(gi.groupContext.extensions, keyPackage.leafNode.capabilities)
  )
    throw new UsageError('client does not support every extension in the GroupContext');
  const tree = ratchetTreeFromExtension(gi);
  if (tree === undefined)
    throw new UsageError('No RatchetTree passed and no ratchet_tree extension');
  const signerNode = tree[leafToNodeIndex(toLeafIndex(gi.signer))];
  if (signerNode === undefined) throw new ValidationError('Could not find signer leafNode');
  if (signerNode.nodeType === 'parent') throw new ValidationError('Expected non blank leaf node');
  const credentialVerified = await clientConfig.authService.validateCredential(
    signerNode.leaf.credential,
    signerNode.leaf.signaturePublicKey,
  );
  if (!credentialVerified) throw new ValidationError('Could not validate credential');
  const groupInfoSignatureVerified = await verifyGroupInfoSignature(
    gi,
    signerNode.leaf.signaturePublicKey,
    cs.signature,
  );
  if (!groupInfoSignatureVerified)
    throw new CryptoVerificationError('Could not verify groupInfo signature');
  if (gi.groupContext.cipherSuite !== keyPackage.cipherSuite)
    throw new ValidationError(
      'cipher suite in the GroupInfo does not match the cipher_suite in the KeyPackage',
    );
  throwIfDefined(
    await validateRatchetTree(
      tree,
      gi.groupContext,
      clientConfig.lifetimeConfig,
      clientConfig.authService,
      gi.groupContext.treeHash,
      cs,
    ),
  );
  const newLeaf = findLeafIndex(tree, keyPackage.leafNode);
  if (newLeaf === undefined)
    throw new ValidationError('Could not find own leaf when processing welcome');
  const privateKeyPath = {
    leafIndex: newLeaf,
    privateKeys: { [leafToNodeIndex(newLeaf)]: privateKeys.hpkePrivateKey },
  };
  const ancestorNodeIndex = firstCommonAncestor(tree, newLeaf, toLeafIndex(gi.signer));
  const updatedPkp =
    groupSecrets.pathSecret === undefined
      ? privateKeyPath
      : mergePrivateKeyPaths(
          await toPrivateKeyPath(
            await pathToRoot(tree, ancestorNodeIndex, groupSecrets.pathSecret, cs.kdf),
            newLeaf,
            cs,
          ),
          privateKeyPath,
        );
  const [keySchedule, encryptionSecret] = await deriveKeySchedule(
    groupSecrets.joinerSecret,
    pskSecret,
    gi.groupContext,
    cs.kdf,
  );
  const confirmationTagVerified = await verifyGroupInfoConfirmationTag(
    gi,
    groupSecrets.joinerSecret,
    pskSecret,
    cs,
  );
  if (!confirmationTagVerified)
    throw new CryptoVerificationError('Could not verify confirmation tag');
  const secretTree = await createSecretTree(leafWidth(tree.length), encryptionSecret, cs.kdf);
  zeroOutUint8Array(encryptionSecret);
  zeroOutUint8Array(groupSecrets.joinerSecret);
  return {
    groupContext: gi.groupContext,
    ratchetTree: tree,
    privatePath: updatedPkp,
    signaturePrivateKey: privateKeys.signaturePrivateKey,
    confirmationTag: gi.confirmationTag,
    unappliedProposals: {},
    keySchedule,
    secretTree,
    historicalReceiverData: new Map(),
    groupActiveState: { kind: 'active' },
    clientConfig,
  };
}
