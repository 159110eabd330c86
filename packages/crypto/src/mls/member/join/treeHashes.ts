// Tree hashes (RFC 9420 §7.8) of one ratchet tree, each node hashed at most once. ts-mls 1.6.4's
// `treeHash` recomputes the whole subtree on every call, and its parent-hash check asks for half
// the tree once per leaf: ~29,000 node encodings and hashes per Welcome in a churned 200-member
// group. The values are the library's own (its encoders, the suite's hash, the same recursion and
// errors); only repeated requests are answered from memory. The tree must not change while an
// instance is in use, so every verification builds its own.
import type { Hash, RatchetTree } from 'ts-mls';
import { InternalError } from 'ts-mls/mlsError.js';
import { encodeLeafNodeHashInput, encodeParentNodeHashInput } from 'ts-mls/treeHash.js';
import {
  isLeaf,
  left,
  nodeToLeafIndex,
  right,
  rootFromNodeWidth,
  type NodeIndex,
} from 'ts-mls/treemath.js';

export class TreeHashes {
  private readonly known = new Map<NodeIndex, Uint8Array>();

  constructor(
    private readonly tree: RatchetTree,
    private readonly hash: Hash,
  ) {}

  /** The library's `treeHashRoot(tree, hash)`. */
  root(): Promise<Uint8Array> {
    return this.of(rootFromNodeWidth(this.tree.length));
  }

  /** The library's `treeHash(tree, nodeIndex, hash)`. Callers must not modify the result. */
  async of(nodeIndex: NodeIndex): Promise<Uint8Array> {
    const known = this.known.get(nodeIndex);
    if (known !== undefined) return known;
    const value = await this.compute(nodeIndex);
    this.known.set(nodeIndex, value);
    return value;
  }

  private async compute(nodeIndex: NodeIndex): Promise<Uint8Array> {
    const node = this.tree[nodeIndex];
    if (isLeaf(nodeIndex)) {
      if (node?.nodeType === 'parent')
        throw new InternalError('Somehow found parent node in leaf position');
      return this.hash.digest(
        encodeLeafNodeHashInput({
          nodeType: 'leaf',
          leafIndex: nodeToLeafIndex(nodeIndex),
          leafNode: node?.leaf,
        }),
      );
    }
    if (node?.nodeType === 'leaf')
      throw new InternalError('Somehow found leaf node in parent position');
    const leftHash = await this.of(left(nodeIndex));
    const rightHash = await this.of(right(nodeIndex));
    return this.hash.digest(
      encodeParentNodeHashInput({
        nodeType: 'parent',
        parentNode: node?.parent,
        leftHash,
        rightHash,
      }),
    );
  }
}
