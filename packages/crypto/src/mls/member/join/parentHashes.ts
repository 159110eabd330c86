// Parent-hash verification (RFC 9420 §7.9.2) exactly as ts-mls 1.6.4 runs it (`verifyParentHashes`
// in parentHash.js): the same walk from every non-blank leaf, the same parent-hash computation,
// comparisons, coverage rule ("every non-blank parent node on exactly one chain") and errors. The
// one difference is where the original sibling tree hashes come from. The library recomputes one
// for every non-blank leaf (also for KeyPackage leaves, which carry no parent hash and stop right
// after), each over the tree with the parent's unmerged leaves removed; here each distinct tree
// with removed leaves is hashed once, node by node, on demand (`TreeHashes`).
import type { Hash, RatchetTree } from 'ts-mls';
import type { Node } from 'ts-mls/ratchetTree.js';
import { InternalError } from 'ts-mls/mlsError.js';
import { encodeParentHashInput } from 'ts-mls/parentHash.js';
import { findFirstNonBlankAncestor, removeLeaves } from 'ts-mls/ratchetTree.js';
import {
  isLeaf,
  leafWidth,
  left,
  right,
  root,
  toNodeIndex,
  type LeafIndex,
  type NodeIndex,
} from 'ts-mls/treemath.js';
import { constantTimeEqual } from 'ts-mls/util/constantTimeCompare.js';
import { TreeHashes } from './treeHashes.ts';

export async function verifyParentHashes(tree: RatchetTree, hash: Hash): Promise<boolean> {
  const parentNodes: NodeIndex[] = [];
  for (const [index, node] of tree.entries())
    if (node?.nodeType === 'parent') parentNodes.push(toNodeIndex(index));
  if (parentNodes.length === 0) return true;
  const coverage = await parentHashCoverage(tree, new OriginalTreeHashes(tree, hash), hash);
  return parentNodes.every((index) => (coverage.get(index) ?? 0) === 1);
}

/** How many verified parent-hash chains pass through each parent node, walking up from leaves. */
async function parentHashCoverage(
  tree: RatchetTree,
  original: OriginalTreeHashes,
  hash: Hash,
): Promise<Map<NodeIndex, number>> {
  const coverage = new Map<NodeIndex, number>();
  const rootIndex = root(leafWidth(tree.length));
  for (const [index, node] of tree.entries()) {
    let currentIndex = toNodeIndex(index);
    if (!isLeaf(currentIndex) || node === undefined) continue;
    while (currentIndex !== rootIndex) {
      const currentNode = tree[currentIndex];
      // Unreachable: the walk starts at a non-blank leaf and moves only to non-blank ancestors or
      // to the root (where it ends). The library would spin here; stopping the chain is safer.
      if (currentNode === undefined) break;
      const [parentHash, parentHashNodeIndex] = await calculateParentHash(
        tree,
        currentIndex,
        original,
        hash,
      );
      if (parentHashNodeIndex === undefined)
        throw new InternalError('Reached root before completing parent hash coeverage');
      const expected = expectedParentHash(currentNode);
      if (expected === undefined || !constantTimeEqual(parentHash, expected)) break;
      coverage.set(parentHashNodeIndex, (coverage.get(parentHashNodeIndex) ?? 0) + 1);
      currentIndex = parentHashNodeIndex;
    }
  }
  return coverage;
}

function expectedParentHash(node: Node): Uint8Array | undefined {
  if (node.nodeType === 'parent') return node.parent.parentHash;
  if (node.leaf.leafNodeSource === 'commit') return node.leaf.parentHash;
  return undefined;
}

/** The library's `calculateParentHash(tree, nodeIndex, hash)`. */
async function calculateParentHash(
  tree: RatchetTree,
  nodeIndex: NodeIndex,
  original: OriginalTreeHashes,
  hash: Hash,
): Promise<[Uint8Array, NodeIndex | undefined]> {
  const rootIndex = root(leafWidth(tree.length));
  if (nodeIndex === rootIndex) return [new Uint8Array(), undefined];
  const parentNodeIndex = findFirstNonBlankAncestor(tree, nodeIndex);
  const parentNode = tree[parentNodeIndex];
  if (parentNodeIndex === rootIndex && parentNode === undefined)
    return [new Uint8Array(), parentNodeIndex];
  const siblingIndex = nodeIndex < parentNodeIndex ? right(parentNodeIndex) : left(parentNodeIndex);
  if (parentNode === undefined || parentNode.nodeType === 'leaf')
    throw new InternalError('Expected non-blank parent Node');
  const originalSiblingTreeHash = await original
    .without(parentNode.parent.unmergedLeaves)
    .of(siblingIndex);
  const input = encodeParentHashInput({
    encryptionKey: parentNode.parent.hpkePublicKey,
    parentHash: parentNode.parent.parentHash,
    originalSiblingTreeHash,
  });
  return [await hash.digest(input), parentNodeIndex];
}

/**
 * Tree hashes of `tree` with a set of leaves removed (the library's `removeLeaves`), one
 * `TreeHashes` per distinct set. `removeLeaves` depends only on which leaves are listed, not on
 * their order or repetition, so the sorted distinct indices are an exact key.
 */
class OriginalTreeHashes {
  private readonly bySet = new Map<string, TreeHashes>();

  constructor(
    private readonly tree: RatchetTree,
    private readonly hash: Hash,
  ) {}

  without(leaves: readonly number[]): TreeHashes {
    const key = [...new Set(leaves)].sort((a, b) => a - b).join(',');
    let hashes = this.bySet.get(key);
    if (hashes === undefined) {
      hashes = new TreeHashes(removeLeaves(this.tree, leaves as LeafIndex[]), this.hash);
      this.bySet.set(key, hashes);
    }
    return hashes;
  }
}
