// Which proposals a meeting accepts, and the checks a proposal must pass before it may sit in the
// pending set. The library commits every pending proposal and throws on a bad one, so a bad
// proposal is refused when it arrives, never left to make a later commit fail.
//
//   add     only from the server (external sender): the server admits participants, and the
//           authentication service must accept the KeyPackage's credential
//   remove  only from the server (external sender), of an occupied leaf: an organizer's removal
//           goes through the server, which audits it; a member never removes another (inline in
//           its commit or as a proposal) — spec/e2ee.md, invariant 9
//   update  from a member, for its own leaf
//   other   (group-context extensions, PSK, ReInit, ExternalInit, custom) never: a meeting does
//           not need them, and a GCE change next to a Remove breaks ts-mls 1.6.4 (bug #742)
import type { ClientState, Credential, KeyPackage, Proposal, ProposalWithSender } from 'ts-mls';
import { verifyLeafNodeSignature } from 'ts-mls/leafNode.js';
import { checkKeyPackage } from '../public/keyPackage.ts';
import { keyFingerprint } from '../public/fingerprint.ts';
import { toHex } from '../public/bytes.ts';
import {
  identityKey,
  identityKeyOfBytes,
  tryParseIdentity,
  type MemberIdentity,
} from '../public/identity.ts';
import type { MeetingContext } from './context.ts';
import type { AuthLog } from './auth.ts';

export type ProposalRejection =
  /** A proposal type or sender the meeting profile does not accept. */
  | 'policy'
  /** The authentication service refused the credential (see the result's events). */
  | 'not_authenticated'
  /** Invalid KeyPackage or leaf node: bad signature, wrong suite, expired, reused keys. */
  | 'invalid'
  /** Conflicts with the group or another pending proposal (duplicate member or remove, empty leaf). */
  | 'conflict';

export type ProposalSummary =
  | { readonly type: 'add'; readonly identity: MemberIdentity; readonly fingerprint: string }
  | { readonly type: 'remove'; readonly leafIndex: number }
  | { readonly type: 'update'; readonly leafIndex: number };

/** The synchronous part: type and sender. `senderLeafIndex` undefined means the server. */
export function allowedByPolicy(p: ProposalWithSender): boolean {
  switch (p.proposal.proposalType) {
    case 'add':
      return p.senderLeafIndex === undefined;
    case 'remove':
      return p.senderLeafIndex === undefined;
    case 'update':
      return p.senderLeafIndex !== undefined;
    default:
      return false;
  }
}

export function summarize(proposal: Proposal): ProposalSummary | undefined {
  switch (proposal.proposalType) {
    case 'add': {
      const { leafNode } = proposal.add.keyPackage;
      const identity =
        leafNode.credential.credentialType === 'basic'
          ? tryParseIdentity(leafNode.credential.identity)
          : undefined;
      return identity === undefined
        ? undefined
        : { type: 'add', identity, fingerprint: keyFingerprint(leafNode.signaturePublicKey) };
    }
    case 'remove':
      return { type: 'remove', leafIndex: proposal.remove.removed };
    default:
      return undefined;
  }
}

/**
 * What a new proposal must not collide with: keys and devices already in the tree or in an
 * accepted pending Add, and leaves a pending Remove or Update already touches.
 *
 * Built once per ratchet tree and grown as proposals are admitted: in a join storm every member
 * admits hundreds of Adds against the same tree, and rebuilding the index for each made admission
 * quadratic in the meeting size.
 */
export class ConflictIndex {
  private readonly keys = new Set<string>();
  private readonly devices = new Set<string>();
  private readonly touched = new Set<number>();

  /** A fresh index of the tree and `pending`, for the caller to grow. */
  static of(client: ClientState, pending: readonly ProposalWithSender[]): ConflictIndex {
    const index = ConflictIndex.ofTree(client.ratchetTree).copy();
    for (const p of pending) index.add(p);
    return index;
  }

  /**
   * The index of the tree and every pending proposal of `client`, shared: callers only read it.
   * Pending proposals only accumulate within an epoch; if any indexed one is gone, it is rebuilt.
   */
  static ofPending(client: ClientState): ConflictIndex {
    const cached = pendingIndexes.get(client.ratchetTree);
    const pending = client.unappliedProposals;
    if (cached !== undefined && [...cached.refs].every((ref) => ref in pending)) {
      for (const [ref, p] of Object.entries(pending)) {
        if (cached.refs.has(ref)) continue;
        cached.index.add(p);
        cached.refs.add(ref);
      }
      return cached.index;
    }
    const fresh = {
      index: ConflictIndex.of(client, Object.values(pending)),
      refs: new Set(Object.keys(pending)),
    };
    pendingIndexes.set(client.ratchetTree, fresh);
    return fresh.index;
  }

  private static ofTree(tree: ClientState['ratchetTree']): ConflictIndex {
    let index = treeIndexes.get(tree);
    if (index !== undefined) return index;
    index = new ConflictIndex();
    for (const node of tree) {
      if (node?.nodeType === 'leaf') {
        index.keys.add(toHex(node.leaf.signaturePublicKey));
        index.keys.add(toHex(node.leaf.hpkePublicKey));
        const device = deviceOf(node.leaf.credential);
        if (device !== undefined) index.devices.add(device);
      } else if (node?.nodeType === 'parent') {
        index.keys.add(toHex(node.parent.hpkePublicKey));
      }
    }
    treeIndexes.set(tree, index);
    return index;
  }

  private copy(): ConflictIndex {
    const index = new ConflictIndex();
    for (const key of this.keys) index.keys.add(key);
    for (const device of this.devices) index.devices.add(device);
    for (const leaf of this.touched) index.touched.add(leaf);
    return index;
  }

  add({ proposal, senderLeafIndex }: ProposalWithSender): void {
    if (proposal.proposalType === 'add') {
      const kp = proposal.add.keyPackage;
      for (const key of addKeys(proposal.add.keyPackage)) this.keys.add(toHex(key));
      const device = deviceOf(kp.leafNode.credential);
      if (device !== undefined) this.devices.add(device);
    } else if (proposal.proposalType === 'remove') {
      this.touched.add(proposal.remove.removed);
    } else if (proposal.proposalType === 'update' && senderLeafIndex !== undefined) {
      this.touched.add(senderLeafIndex);
    }
  }

  addConflicts(kp: KeyPackage, identity: MemberIdentity): boolean {
    // One leaf per device: a device that rejoins is removed first.
    return (
      addKeys(kp).some((k) => this.keys.has(toHex(k))) || this.devices.has(identityKey(identity))
    );
  }

  touches(leaf: number): boolean {
    return this.touched.has(leaf);
  }
}

/**
 * Validates `candidate` against the group and the proposals already pending (`index`).
 * Returns undefined when it may stay pending.
 */
export async function validateProposal(
  ctx: MeetingContext,
  client: ClientState,
  candidate: ProposalWithSender,
  index: ConflictIndex,
  log: AuthLog,
): Promise<ProposalRejection | undefined> {
  if (!allowedByPolicy(candidate)) return 'policy';
  const { proposal, senderLeafIndex } = candidate;
  switch (proposal.proposalType) {
    case 'add': {
      const kp = proposal.add.keyPackage;
      try {
        await checkKeyPackage(ctx.crypto, kp, { now: ctx.now() });
      } catch {
        return 'invalid';
      }
      const finding = await ctx.authenticator.authenticate(
        kp.leafNode.credential.credentialType === 'basic'
          ? kp.leafNode.credential.identity
          : undefined,
        kp.leafNode.signaturePublicKey,
      );
      log.record(finding);
      if (finding.kind !== 'accepted') return 'not_authenticated';
      return index.addConflicts(kp, finding.identity) ? 'conflict' : undefined;
    }
    case 'remove': {
      const leaf = proposal.remove.removed;
      if (client.ratchetTree[leaf * 2]?.nodeType !== 'leaf') return 'conflict';
      return index.touches(leaf) ? 'conflict' : undefined;
    }
    case 'update': {
      if (senderLeafIndex === undefined) return 'policy';
      const leafNode = proposal.update.leafNode;
      const current = client.ratchetTree[senderLeafIndex * 2];
      if (current?.nodeType !== 'leaf') return 'conflict';
      const signed = await verifyLeafNodeSignature(
        leafNode,
        client.groupContext.groupId,
        senderLeafIndex,
        ctx.crypto.impl.signature,
      );
      if (!signed) return 'invalid';
      const finding = await ctx.authenticator.authenticate(
        leafNode.credential.credentialType === 'basic' ? leafNode.credential.identity : undefined,
        leafNode.signaturePublicKey,
      );
      log.record(finding);
      if (finding.kind !== 'accepted') return 'not_authenticated';
      return index.touches(senderLeafIndex) ? 'conflict' : undefined;
    }
    default:
      return 'policy';
  }
}

/** The pending proposals this member may put in its own commit (never its own removal). */
export function committable(client: ClientState): Record<string, ProposalWithSender> {
  const own = client.privatePath.leafIndex;
  return Object.fromEntries(
    Object.entries(client.unappliedProposals).filter(
      ([, p]) =>
        allowedByPolicy(p) &&
        !(p.proposal.proposalType === 'remove' && p.proposal.remove.removed === own) &&
        p.senderLeafIndex !== own,
    ),
  );
}

/**
 * Re-checks the committable proposals right before a commit: the directory or the pins may have
 * changed since a proposal arrived, and one the library would now refuse must not make the whole
 * commit fail. Returns those that still pass, in arrival order.
 */
export async function revalidate(
  ctx: MeetingContext,
  client: ClientState,
  candidates: Record<string, ProposalWithSender>,
  log: AuthLog,
): Promise<{ kept: Record<string, ProposalWithSender>; dropped: number }> {
  const kept: Record<string, ProposalWithSender> = {};
  const index = ConflictIndex.of(client, []);
  let dropped = 0;
  for (const [ref, p] of Object.entries(candidates)) {
    if ((await validateProposal(ctx, client, p, index, log)) === undefined) {
      kept[ref] = p;
      index.add(p);
    } else {
      dropped++;
    }
  }
  return { kept, dropped };
}

function addKeys(kp: KeyPackage): Uint8Array[] {
  return [kp.leafNode.signaturePublicKey, kp.leafNode.hpkePublicKey, kp.initKey];
}

function deviceOf(credential: Credential): string | undefined {
  return credential.credentialType === 'basic'
    ? identityKeyOfBytes(credential.identity)
    : undefined;
}

// Keyed by the library's tree array, which a new epoch replaces (and never mutates in place).
const treeIndexes = new WeakMap<ClientState['ratchetTree'], ConflictIndex>();
const pendingIndexes = new WeakMap<
  ClientState['ratchetTree'],
  { readonly index: ConflictIndex; readonly refs: Set<string> }
>();
