// Which relay id may send under which SFrame sender index (docs/media.md, "What receivers must
// check"). Every member of an MLS group can derive every member's SFrame keys, so the relay's
// check that an envelope's `sender` is the authenticated socket does not stop one member from
// encrypting under another's KID. A frame is accepted only if its KID's leaf belongs to the
// envelope's sender:
//   - E2EE: the relay id's participant (server list) is the user — and, when the server names it,
//     the device — that the leaf's credential names (MLS roster). The device separates two devices
//     of one user.
//   - Standard meetings: the "leaf index" is the relay id itself.
// The check runs before decryption, so a forged frame never touches the victim's replay window.
//
// Why the binding is read from the current participant list and the roster on every frame, and
// not remembered from the first frame that decrypted, nor announced by each member in an MLS
// application message: relay ids are the server's and change whenever it hands them out again
// (a restarted server gives them in reconnect order, so relay id 3 can be someone else's a moment
// later); a remembered pairing then refuses every frame of both people for the rest of the meeting.
// The device half of the binding is something the member signed: its leaf node carries the
// credential naming tenant, user and device, checked by this client's authentication service
// against the directory and the pinned key. The relay-id half is the server's word, as it already
// is for the user — and it cannot be more: ts-mls does not report which leaf sent an application
// message, so a "my relay id is R" message's own leaf claim would be checked against that same
// word, and a dishonest relay can relabel any envelope anyway (frames are not signed; SFrame keys
// are shared by the group). What the binding stops is one member sending under another member's
// KID through an honest server, and that holds with or without a restart.
//
// Servers that do not name the device fall back to the older rule: the first frame that decrypts
// pairs relay id and leaf one-to-one, and the pairing is forgotten when the relay id changes hands.
import type { RosterEntry } from '@conclave/crypto/member';
import type { Participant, ParticipantTable } from '../meeting/participants.ts';

export type BindingVerdict = 'ok' | 'unknown_sender' | 'sender_mismatch';

interface Pairing {
  readonly leafIndex: number;
  /** Who held the relay id when the pairing was made: it ends when someone else holds it. */
  readonly participantId: string;
}

export class SenderBinding {
  /** Only for participants the server names no device for (first-frame pairings). */
  readonly #relayToLeaf = new Map<number, Pairing>();
  readonly #leafToRelay = new Map<number, number>();
  #roster = new Map<number, RosterEntry>();
  /** The roster's leaves by user and device (one leaf per device). */
  #leafByDevice = new Map<string, number>();

  constructor(
    private readonly mode: 'e2ee' | 'standard',
    private readonly participants: ParticipantTable,
  ) {}

  /** The MLS roster changed: pairings of leaves that left are forgotten. */
  setRoster(roster: readonly RosterEntry[]): void {
    this.#roster = new Map(roster.map((entry) => [entry.leafIndex, entry]));
    this.#leafByDevice = new Map();
    for (const entry of roster) {
      const identity = entry.identity;
      // One leaf per device (the server removes a device's old leaf before adding its new one).
      if (
        identity != null &&
        !this.#leafByDevice.has(deviceKey(identity.userId, identity.deviceId))
      )
        this.#leafByDevice.set(deviceKey(identity.userId, identity.deviceId), entry.leafIndex);
    }
    for (const [leaf, relay] of this.#leafToRelay) {
      if (!this.#roster.has(leaf)) this.#unpair(relay);
    }
  }

  /**
   * The participant list changed: pairings of relay ids that left, or that someone else holds now
   * (a restarted server hands relay ids out again), are forgotten.
   */
  participantsChanged(): void {
    for (const [relay, pairing] of this.#relayToLeaf) {
      const holder = this.participants.byRelay(relay);
      if (holder === undefined || holder.participantId !== pairing.participantId) {
        this.#unpair(relay);
      }
    }
  }

  check(relayId: number, leafIndex: number): BindingVerdict {
    if (this.mode === 'standard') return leafIndex === relayId ? 'ok' : 'sender_mismatch';
    const participant = this.participants.byRelay(relayId);
    if (participant === undefined) return 'unknown_sender';
    const identity = this.#roster.get(leafIndex)?.identity;
    if (identity == null) return 'sender_mismatch';
    if (identity.userId !== participant.userId) return 'sender_mismatch';
    if (participant.deviceId !== undefined) {
      return identity.deviceId === participant.deviceId ? 'ok' : 'sender_mismatch';
    }
    const boundLeaf = this.#relayToLeaf.get(relayId)?.leafIndex;
    const boundRelay = this.#leafToRelay.get(leafIndex);
    if (
      (boundLeaf !== undefined && boundLeaf !== leafIndex) ||
      (boundRelay !== undefined && boundRelay !== relayId)
    ) {
      return 'sender_mismatch';
    }
    return 'ok';
  }

  /** A frame from `relayId` under `leafIndex` decrypted: without a device, the pairing holds. */
  confirm(relayId: number, leafIndex: number): void {
    if (this.mode === 'standard') return;
    const participant = this.participants.byRelay(relayId);
    if (participant === undefined || participant.deviceId !== undefined) return;
    this.#relayToLeaf.set(relayId, { leafIndex, participantId: participant.participantId });
    this.#leafToRelay.set(leafIndex, relayId);
  }

  leafOf(relayId: number): number | undefined {
    if (this.mode === 'standard') return relayId;
    const participant = this.participants.byRelay(relayId);
    if (participant?.deviceId === undefined) return this.#relayToLeaf.get(relayId)?.leafIndex;
    return this.#leafOfDevice(participant);
  }

  relayOf(leafIndex: number): number | undefined {
    if (this.mode === 'standard') return leafIndex;
    const identity = this.#roster.get(leafIndex)?.identity;
    if (identity == null) return undefined;
    const holder = this.participants.byDevice(identity.userId, identity.deviceId);
    return holder?.relayId ?? this.#leafToRelay.get(leafIndex);
  }

  /** The participant the server's list says holds `relayId` now. */
  holderOf(relayId: number): string | undefined {
    return this.participants.byRelay(relayId)?.participantId;
  }

  member(leafIndex: number): RosterEntry | undefined {
    return this.#roster.get(leafIndex);
  }

  #leafOfDevice(participant: Participant): number | undefined {
    if (participant.deviceId === undefined) return undefined;
    return this.#leafByDevice.get(deviceKey(participant.userId, participant.deviceId));
  }

  #unpair(relay: number): void {
    const pairing = this.#relayToLeaf.get(relay);
    this.#relayToLeaf.delete(relay);
    if (pairing !== undefined && this.#leafToRelay.get(pairing.leafIndex) === relay) {
      this.#leafToRelay.delete(pairing.leafIndex);
    }
  }
}

function deviceKey(userId: string, deviceId: string): string {
  return `${userId}\n${deviceId}`;
}
