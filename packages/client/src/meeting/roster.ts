// The participant list a user sees. In an E2EE meeting it is derived from the MLS group (leaf,
// user, device, key fingerprint) — never from the server's list, which only adds display names
// and relay ids where they can be matched. In a standard meeting it is the server's list.
// Display names are not identities: when two people here share one (ignoring case, width and
// spacing), each is labelled with their email (or, without one, part of their user id), so a
// name alone never makes two people look alike. A device first seen while its person was already
// known with another carries a note ("new device", "second device"); one this user verified by
// hand, with the key it has now, is marked verified.
import type { RosterEntry } from '@conclave/crypto/member';
import type { Participant, ParticipantTable } from './participants.ts';

/**
 * `second-device`: another device of the same person is in the meeting now. `new-device`: this
 * client first saw this device here, after it had known the person with another one.
 */
export type DeviceNote = 'new-device' | 'second-device';

export interface RosterMember {
  /** E2EE: the MLS leaf index (the SFrame sender index). Standard: the relay id. */
  readonly leafIndex: number;
  readonly userId: string | null;
  /** E2EE only: the device the credential names. */
  readonly deviceId: string | null;
  readonly displayName: string | undefined;
  /** The person's email, when the meeting's admission list gave it. */
  readonly email?: string;
  /**
   * What to call this member: the display name, plus the email (or a short user id) when another
   * person in the meeting has the same name.
   */
  readonly label: string;
  /** E2EE only: this device is new to this client while its person is known (see DeviceNote). */
  readonly deviceNote?: DeviceNote;
  /** E2EE only: the key fingerprint two people can compare (12 groups of 5 digits). */
  readonly fingerprint: string | null;
  /**
   * E2EE only: this user marked the device verified on this device (ConclaveClient.verifyDevice)
   * with the key it has now. Always false for standard meetings and for this device itself.
   */
  readonly verified: boolean;
  readonly self: boolean;
  readonly relayId: number | undefined;
  readonly participantId: string | undefined;
}

/** What the roster is told about people beyond the group and the server's list. */
export interface RosterPeople {
  displayName(userId: string): string | undefined;
  email(userId: string): string | undefined;
}

type Unlabelled = Omit<RosterMember, 'label'>;

export function e2eeRoster(
  entries: readonly RosterEntry[],
  participants: ParticipantTable,
  people: RosterPeople,
  boundRelay: (leafIndex: number) => number | undefined,
  ownParticipantId: string | undefined,
  deviceNotes: (
    entries: readonly RosterEntry[],
  ) => (entry: RosterEntry) => DeviceNote | undefined = () => () => undefined,
  verified: (entry: RosterEntry) => boolean = () => false,
): RosterMember[] {
  // Indexed once per roster: a meeting of n people builds it in O(n), not O(n²).
  const index = participantIndex(participants.all());
  const noteOf = deviceNotes(entries);
  return labelled(
    entries.map((entry): Unlabelled => {
      const identity = entry.identity;
      const participant = entry.self
        ? participants.byId(ownParticipantId ?? '')
        : matchParticipant(entry, index, boundRelay(entry.leafIndex));
      const email = identity === null ? undefined : people.email(identity.userId);
      const note = noteOf(entry);
      return {
        leafIndex: entry.leafIndex,
        userId: identity?.userId ?? null,
        deviceId: identity?.deviceId ?? null,
        displayName:
          identity === null
            ? undefined
            : (people.displayName(identity.userId) ?? participant?.displayName),
        ...(email === undefined ? {} : { email }),
        ...(note === undefined ? {} : { deviceNote: note }),
        fingerprint: entry.fingerprint,
        verified: !entry.self && verified(entry),
        self: entry.self,
        relayId: participant?.relayId,
        participantId: participant?.participantId,
      };
    }),
  );
}

interface ParticipantIndex {
  readonly byRelay: ReadonlyMap<number, Participant>;
  readonly byUser: ReadonlyMap<string, readonly Participant[]>;
}

function participantIndex(participants: readonly Participant[]): ParticipantIndex {
  const byRelay = new Map<number, Participant>();
  const byUser = new Map<string, Participant[]>();
  for (const p of participants) {
    if (!byRelay.has(p.relayId)) byRelay.set(p.relayId, p);
    const theirs = byUser.get(p.userId) ?? [];
    theirs.push(p);
    byUser.set(p.userId, theirs);
  }
  return { byRelay, byUser };
}

export function standardRoster(
  participants: readonly Participant[],
  ownRelayId: number | undefined,
  people?: Pick<RosterPeople, 'email'>,
): RosterMember[] {
  return labelled(
    participants.map((p): Unlabelled => {
      const email = people?.email(p.userId);
      return {
        leafIndex: p.relayId,
        userId: p.userId,
        deviceId: null,
        displayName: p.displayName,
        ...(email === undefined ? {} : { email }),
        fingerprint: null,
        verified: false,
        self: p.relayId === ownRelayId,
        relayId: p.relayId,
        participantId: p.participantId,
      };
    }),
  );
}

/** Display names compared as people read them: case, Unicode width forms and spacing ignored. */
export function sameName(a: string, b: string): boolean {
  return comparable(a) === comparable(b);
}

function comparable(name: string): string {
  return name.normalize('NFKC').trim().replace(/\s+/gu, ' ').toLocaleLowerCase('en');
}

/** Adds each member's label: its name, told apart from another person's with the same name. */
export function labelled(members: readonly Unlabelled[]): RosterMember[] {
  const usersByName = new Map<string, Set<string>>();
  for (const m of members) {
    if (m.displayName === undefined || m.userId === null) continue;
    const name = comparable(m.displayName);
    const users = usersByName.get(name) ?? new Set<string>();
    users.add(m.userId);
    usersByName.set(name, users);
  }
  return members.map((m) => {
    const name = m.displayName ?? 'Unknown member';
    const shared =
      m.displayName !== undefined && (usersByName.get(comparable(m.displayName))?.size ?? 0) > 1;
    if (!shared || m.userId === null) return { ...m, label: name };
    const mark = m.email ?? `user ${m.userId.slice(0, 8)}`;
    return { ...m, label: `${name} (${mark})` };
  });
}

function matchParticipant(
  entry: RosterEntry,
  index: ParticipantIndex,
  bound: number | undefined,
): Participant | undefined {
  if (bound !== undefined) return index.byRelay.get(bound);
  const identity = entry.identity;
  if (identity === null) return undefined;
  // A server that names each participant's device tells a user's several devices apart; the
  // credential is the group's word for which device holds the leaf.
  const candidates = (index.byUser.get(identity.userId) ?? []).filter(
    (p) => p.deviceId === undefined || p.deviceId === identity.deviceId,
  );
  return candidates.length === 1 ? candidates[0] : undefined;
}

/** The roster's view of the directory. */
export function rosterPeople(directory: {
  displayName(userId: string): string | undefined;
  admitted(userId: string): { readonly email?: string | undefined } | undefined;
}): RosterPeople {
  return {
    displayName: (userId) => directory.displayName(userId),
    email: (userId) => directory.admitted(userId)?.email,
  };
}
