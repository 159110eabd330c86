// The participant list of an E2EE meeting, derived from the MLS tree (spec "Identity": never from
// a server list).
import type { ClientState } from 'ts-mls';
import { fingerprintOf } from './fingerprints.ts';
import { bytesEqual } from '../public/bytes.ts';
import { tryParseIdentity, type MemberIdentity } from '../public/identity.ts';
import { unwrap, type MeetingState } from './state.ts';

export interface RosterEntry {
  readonly leafIndex: number;
  /** Null only for a credential this layer never accepts; shown as "unknown", never hidden. */
  readonly identity: MemberIdentity | null;
  readonly signaturePublicKey: Uint8Array;
  readonly fingerprint: string;
  readonly self: boolean;
}

export function members(state: MeetingState): RosterEntry[] {
  return rosterOf(unwrap(state));
}

export function rosterOf(client: ClientState, only?: ReadonlySet<number>): RosterEntry[] {
  const out: RosterEntry[] = [];
  const own = client.privatePath.leafIndex;
  client.ratchetTree.forEach((node, nodeIndex) => {
    if (nodeIndex % 2 !== 0 || node?.nodeType !== 'leaf') return;
    const { credential, signaturePublicKey } = node.leaf;
    const leafIndex = nodeIndex / 2;
    if (only !== undefined && !only.has(leafIndex)) return;
    out.push({
      leafIndex,
      identity:
        credential.credentialType === 'basic'
          ? (tryParseIdentity(credential.identity) ?? null)
          : null,
      signaturePublicKey,
      fingerprint: fingerprintOf(signaturePublicKey),
      self: leafIndex === own,
    });
  });
  return out;
}

/** Who joined and who left between two library states (a leaf reused by another key counts as both). */
export function rosterChanges(
  before: ClientState,
  after: ClientState,
): { added: RosterEntry[]; removed: RosterEntry[] } {
  const keysBefore = leafKeys(before);
  const keysAfter = leafKeys(after);
  const changed = (a: Map<number, Uint8Array>, b: Map<number, Uint8Array>): Set<number> => {
    const out = new Set<number>();
    for (const [leaf, key] of a) {
      const other = b.get(leaf);
      if (other === undefined || !bytesEqual(other, key)) out.add(leaf);
    }
    return out;
  };
  const added = changed(keysAfter, keysBefore);
  const removed = changed(keysBefore, keysAfter);
  return {
    added: rosterOf(after, added),
    removed: rosterOf(before, removed),
  };
}

function leafKeys(client: ClientState): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  client.ratchetTree.forEach((node, nodeIndex) => {
    if (nodeIndex % 2 === 0 && node?.nodeType === 'leaf')
      out.set(nodeIndex / 2, node.leaf.signaturePublicKey);
  });
  return out;
}
