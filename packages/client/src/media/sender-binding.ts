// Which relay id may send under which SFrame sender index (docs/media.md, "What receivers must
// check"). Every member of an MLS group can derive every member's SFrame keys, so the relay's
// check that an envelope's `sender` is the authenticated socket does not stop one member from
// encrypting under another's KID. A frame is accepted only if its KID's leaf belongs to the
// envelope's sender:
//   - E2EE: the relay id's participant (server list) is the user the leaf's credential names
//     (MLS roster), and relay ids and leaves stay paired one-to-one once a frame proved a pairing
//     (which separates two devices of one user).
//   - Standard meetings: the "leaf index" is the relay id itself.
// The check runs before decryption, so a forged frame never touches the victim's replay window.
import type { RosterEntry } from '@conclave/crypto/member';
import type { ParticipantTable } from '../meeting/participants.ts';

export type BindingVerdict = 'ok' | 'unknown_sender' | 'sender_mismatch';

export class SenderBinding {
  readonly #relayToLeaf = new Map<number, number>();
  readonly #leafToRelay = new Map<number, number>();
  #roster = new Map<number, RosterEntry>();

  constructor(
    private readonly mode: 'e2ee' | 'standard',
    private readonly participants: ParticipantTable,
  ) {}

  /** The MLS roster changed: pairings of leaves that left are forgotten. */
  setRoster(roster: readonly RosterEntry[]): void {
    this.#roster = new Map(roster.map((entry) => [entry.leafIndex, entry]));
    for (const [leaf, relay] of this.#leafToRelay) {
      if (!this.#roster.has(leaf)) {
        this.#leafToRelay.delete(leaf);
        this.#relayToLeaf.delete(relay);
      }
    }
  }

  /** The participant list changed: pairings of relay ids that left are forgotten. */
  participantsChanged(): void {
    for (const [relay, leaf] of this.#relayToLeaf) {
      if (this.participants.byRelay(relay) === undefined) {
        this.#relayToLeaf.delete(relay);
        this.#leafToRelay.delete(leaf);
      }
    }
  }

  check(relayId: number, leafIndex: number): BindingVerdict {
    if (this.mode === 'standard') return leafIndex === relayId ? 'ok' : 'sender_mismatch';
    const participant = this.participants.byRelay(relayId);
    if (participant === undefined) return 'unknown_sender';
    const member = this.#roster.get(leafIndex);
    if (member?.identity == null) return 'sender_mismatch';
    if (member.identity.userId !== participant.userId) return 'sender_mismatch';
    const boundLeaf = this.#relayToLeaf.get(relayId);
    const boundRelay = this.#leafToRelay.get(leafIndex);
    if (
      (boundLeaf !== undefined && boundLeaf !== leafIndex) ||
      (boundRelay !== undefined && boundRelay !== relayId)
    ) {
      return 'sender_mismatch';
    }
    return 'ok';
  }

  /** A frame from `relayId` under `leafIndex` decrypted: the pairing holds from now on. */
  confirm(relayId: number, leafIndex: number): void {
    if (this.mode === 'standard') return;
    this.#relayToLeaf.set(relayId, leafIndex);
    this.#leafToRelay.set(leafIndex, relayId);
  }

  leafOf(relayId: number): number | undefined {
    return this.mode === 'standard' ? relayId : this.#relayToLeaf.get(relayId);
  }

  relayOf(leafIndex: number): number | undefined {
    return this.mode === 'standard' ? leafIndex : this.#leafToRelay.get(leafIndex);
  }

  member(leafIndex: number): RosterEntry | undefined {
    return this.#roster.get(leafIndex);
  }
}
