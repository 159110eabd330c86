// The participant list a user sees. In an E2EE meeting it is derived from the MLS group (leaf,
// user, device, key fingerprint) — never from the server's list, which only adds display names
// and relay ids where they can be matched. In a standard meeting it is the server's list.
import type { RosterEntry } from '@conclave/crypto/member';
import type { Participant, ParticipantTable } from './participants.ts';

export interface RosterMember {
  /** E2EE: the MLS leaf index (the SFrame sender index). Standard: the relay id. */
  readonly leafIndex: number;
  readonly userId: string | null;
  /** E2EE only: the device the credential names. */
  readonly deviceId: string | null;
  readonly displayName: string | undefined;
  /** E2EE only: the key fingerprint two people can compare (12 groups of 5 digits). */
  readonly fingerprint: string | null;
  readonly self: boolean;
  readonly relayId: number | undefined;
  readonly participantId: string | undefined;
}

export function e2eeRoster(
  entries: readonly RosterEntry[],
  participants: ParticipantTable,
  displayName: (userId: string) => string | undefined,
  boundRelay: (leafIndex: number) => number | undefined,
  ownParticipantId: string | undefined,
): RosterMember[] {
  return entries.map((entry) => {
    const identity = entry.identity;
    const participant = entry.self
      ? participants.byId(ownParticipantId ?? '')
      : matchParticipant(entry, participants.all(), boundRelay(entry.leafIndex));
    return {
      leafIndex: entry.leafIndex,
      userId: identity?.userId ?? null,
      deviceId: identity?.deviceId ?? null,
      displayName:
        identity === null ? undefined : (displayName(identity.userId) ?? participant?.displayName),
      fingerprint: entry.fingerprint,
      self: entry.self,
      relayId: participant?.relayId,
      participantId: participant?.participantId,
    };
  });
}

export function standardRoster(
  participants: readonly Participant[],
  ownRelayId: number | undefined,
): RosterMember[] {
  return participants.map((p) => ({
    leafIndex: p.relayId,
    userId: p.userId,
    deviceId: null,
    displayName: p.displayName,
    fingerprint: null,
    self: p.relayId === ownRelayId,
    relayId: p.relayId,
    participantId: p.participantId,
  }));
}

function matchParticipant(
  entry: RosterEntry,
  participants: readonly Participant[],
  bound: number | undefined,
): Participant | undefined {
  if (bound !== undefined) return participants.find((p) => p.relayId === bound);
  const identity = entry.identity;
  if (identity === null) return undefined;
  // A server that names each participant's device tells a user's several devices apart; the
  // credential is the group's word for which device holds the leaf.
  const candidates = participants.filter(
    (p) =>
      p.userId === identity.userId &&
      (p.deviceId === undefined || p.deviceId === identity.deviceId),
  );
  return candidates.length === 1 ? candidates[0] : undefined;
}
