// The checks a joiner runs on the ratchet tree of a Welcome, exactly as ts-mls 1.6.4 runs them
// (`validateRatchetTree` in clientState.js, with its private helpers `validateLeafNodeKeyPackage`,
// `validateLeafNodeCommon` and `capabiltiesAreSupported` copied unchanged): structure, unique HPKE
// and signature keys, unmerged-leaf consistency, every leaf's signature and credential (through
// the authentication service), capabilities, parent hashes, tree hash. Same order, same errors.
// The only change: parent hashes and the tree hash are computed with each subtree hashed once
// (`./parentHashes.ts`, `./treeHashes.ts`) instead of once per leaf.
import type {
  AuthenticationService,
  CiphersuiteImpl,
  GroupContext,
  LeafNodeKeyPackage,
  LifetimeConfig,
  RatchetTree,
} from 'ts-mls';
import type { Capabilities } from 'ts-mls/capabilities.js';
import type { Signature } from 'ts-mls/crypto/signature.js';
import type { LeafNode } from 'ts-mls/leafNode.js';
import type { RequiredCapabilities } from 'ts-mls/requiredCapabilities.js';
import { validateLeafNodeUpdateOrCommit } from 'ts-mls/clientState.js';
import { extensionsSupportedByCapabilities } from 'ts-mls/extension.js';
import { verifyLeafNodeSignatureKeyPackage } from 'ts-mls/leafNode.js';
import {
  CodecError,
  CryptoVerificationError,
  InternalError,
  ValidationError,
  type MlsError,
} from 'ts-mls/mlsError.js';
import { decodeRequiredCapabilities } from 'ts-mls/requiredCapabilities.js';
import {
  directPath,
  isLeaf,
  leafToNodeIndex,
  leafWidth,
  nodeToLeafIndex,
  toLeafIndex,
  toNodeIndex,
} from 'ts-mls/treemath.js';
import { bytesToBase64 } from 'ts-mls/util/byteArray.js';
import { constantTimeEqual } from 'ts-mls/util/constantTimeCompare.js';
import { verifyParentHashes } from './parentHashes.ts';
import { TreeHashes } from './treeHashes.ts';

export async function validateRatchetTree(
  tree: RatchetTree,
  groupContext: GroupContext,
  config: LifetimeConfig,
  authService: AuthenticationService,
  treeHash: Uint8Array,
  cs: CiphersuiteImpl,
): Promise<MlsError | undefined> {
  const hpkeKeys = new Set<string>();
  const signatureKeys = new Set<string>();
  const credentialTypes = new Set<LeafNode['credential']['credentialType']>();
  for (const [i, n] of tree.entries()) {
    const nodeIndex = toNodeIndex(i);
    if (n?.nodeType === 'leaf') {
      if (!isLeaf(nodeIndex))
        return new ValidationError('Received Ratchet Tree is not structurally sound');
      const hpkeKey = bytesToBase64(n.leaf.hpkePublicKey);
      if (hpkeKeys.has(hpkeKey)) return new ValidationError('hpke keys not unique');
      else hpkeKeys.add(hpkeKey);
      const signatureKey = bytesToBase64(n.leaf.signaturePublicKey);
      if (signatureKeys.has(signatureKey)) return new ValidationError('signature keys not unique');
      else signatureKeys.add(signatureKey);
      credentialTypes.add(n.leaf.credential.credentialType);
      const err =
        n.leaf.leafNodeSource === 'key_package'
          ? await validateLeafNodeKeyPackage(
              n.leaf,
              groupContext,
              false,
              config,
              authService,
              cs.signature,
            )
          : await validateLeafNodeUpdateOrCommit(
              n.leaf,
              nodeToLeafIndex(nodeIndex),
              groupContext,
              authService,
              cs.signature,
            );
      if (err !== undefined) return err;
    } else if (n?.nodeType === 'parent') {
      if (isLeaf(nodeIndex))
        return new ValidationError('Received Ratchet Tree is not structurally sound');
      const hpkeKey = bytesToBase64(n.parent.hpkePublicKey);
      if (hpkeKeys.has(hpkeKey)) return new ValidationError('hpke keys not unique');
      else hpkeKeys.add(hpkeKey);
      // RFC 9420 §7.9.2, as the RFC words it (ts-mls 1.6.4 instead demands that every non-blank
      // node on the leaf's whole direct path lists exactly the same unmerged leaves, which refuses
      // honest Welcomes once members join one commit at a time after updates and removes):
      // each entry is a non-blank leaf below this node, and every non-blank node between that
      // leaf and this node lists it too.
      for (const unmergedLeaf of n.parent.unmergedLeaves) {
        const leafIndex = toLeafIndex(unmergedLeaf);
        const dp = directPath(leafToNodeIndex(leafIndex), leafWidth(tree.length));
        const nodeIndex = leafToNodeIndex(leafIndex);
        const here = dp.indexOf(toNodeIndex(i));
        if (tree[nodeIndex]?.nodeType !== 'leaf' || here < 0)
          return new ValidationError(
            'Unmerged leaf did not represent a non-blank descendant leaf node',
          );
        for (const parentIdx of dp.slice(0, here)) {
          const dpNode = tree[parentIdx];
          if (dpNode !== undefined) {
            if (dpNode.nodeType !== 'parent') return new InternalError('Expected parent node');
            if (!dpNode.parent.unmergedLeaves.includes(unmergedLeaf))
              return new ValidationError(
                'non-blank intermediate node must list leaf node in its unmerged_leaves',
              );
          }
        }
      }
    }
  }
  for (const n of tree) {
    if (n?.nodeType === 'leaf') {
      for (const credentialType of credentialTypes) {
        if (!n.leaf.capabilities.credentials.includes(credentialType))
          return new ValidationError(
            'LeafNode has credential that is not supported by member of the group',
          );
      }
    }
  }
  const parentHashesVerified = await verifyParentHashes(tree, cs.hash);
  if (!parentHashesVerified) return new CryptoVerificationError('Unable to verify parent hash');
  if (!constantTimeEqual(treeHash, await new TreeHashes(tree, cs.hash).root()))
    return new ValidationError('Unable to verify tree hash');
  return undefined;
}

async function validateLeafNodeKeyPackage(
  leafNode: LeafNodeKeyPackage,
  groupContext: GroupContext,
  sentByClient: boolean,
  config: LifetimeConfig,
  authService: AuthenticationService,
  s: Signature,
): Promise<MlsError | undefined> {
  const signatureValid = await verifyLeafNodeSignatureKeyPackage(leafNode, s);
  if (!signatureValid) return new CryptoVerificationError('Could not verify leaf node signature');
  if (sentByClient || config.validateLifetimeOnReceive) {
    if (leafNode.leafNodeSource === 'key_package') {
      const currentTime = BigInt(Math.floor(Date.now() / 1000));
      if (leafNode.lifetime.notBefore > currentTime || leafNode.lifetime.notAfter < currentTime)
        return new ValidationError('Current time not within Lifetime');
    }
  }
  return validateLeafNodeCommon(leafNode, groupContext, authService);
}

async function validateLeafNodeCommon(
  leafNode: LeafNode,
  groupContext: GroupContext,
  authService: AuthenticationService,
): Promise<MlsError | undefined> {
  const credentialValid = await authService.validateCredential(
    leafNode.credential,
    leafNode.signaturePublicKey,
  );
  if (!credentialValid) return new ValidationError('Could not validate credential');
  const requiredCapabilities = groupContext.extensions.find(
    (e) => e.extensionType === 'required_capabilities',
  );
  if (requiredCapabilities !== undefined) {
    const caps = decodeRequiredCapabilities(requiredCapabilities.extensionData, 0);
    if (caps === undefined) return new CodecError('Could not decode required_capabilities');
    if (!capabilitiesAreSupported(caps[0], leafNode.capabilities))
      return new ValidationError('LeafNode does not support required capabilities');
  }
  if (!extensionsSupportedByCapabilities(leafNode.extensions, leafNode.capabilities))
    return new ValidationError('LeafNode contains extension not listed in capabilities');
  return undefined;
}

function capabilitiesAreSupported(caps: RequiredCapabilities, cs: Capabilities): boolean {
  return (
    caps.credentialTypes.every((c) => cs.credentials.includes(c)) &&
    caps.extensionTypes.every((e) => cs.extensions.includes(e)) &&
    caps.proposalTypes.every((p) => cs.proposals.includes(p))
  );
}
