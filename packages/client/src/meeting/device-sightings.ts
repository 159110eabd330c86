// First sightings of devices, for the roster and the `newDevice` event. Trust on first use pins a
// device's key silently; a device seen for the first time while its person is already in the
// meeting with another device ("second device"), or after this client had pinned that person with
// another device ("new device"), is worth a look: it may be the person's new laptop, or someone
// else signed in as them. A person seen for the first time is no news.
import { identityKey, type AuthEvent, type RosterEntry } from '@conclave/crypto/member';
import type { DevicePins } from '../identity/pins.ts';
import type { DeviceNote, RosterMember } from './roster.ts';
import type { NewDevice } from './types.ts';

export class DeviceSightings {
  /**
   * Devices first pinned in this meeting, in the order they were seen, with the person's devices
   * pinned before each.
   */
  readonly #firstSeen = new Map<
    string,
    { readonly order: number; readonly prior: readonly string[] }
  >();
  /** The note each device was last announced with. */
  readonly #announced = new Map<string, DeviceNote>();

  /** What the authentication service decided: its first sightings are kept. */
  record(findings: readonly AuthEvent[], pins: Partial<Pick<DevicePins, 'priorDevices'>>): void {
    for (const finding of findings) {
      if (finding.kind !== 'accepted' || !finding.firstUse) continue;
      const key = identityKey(finding.identity);
      if (this.#firstSeen.has(key)) continue;
      this.#firstSeen.set(key, {
        order: this.#firstSeen.size,
        prior: pins.priorDevices?.(finding.identity) ?? [],
      });
    }
  }

  /** The note for one member of the group `entries`. */
  note(entry: RosterEntry, entries: readonly RosterEntry[]): DeviceNote | undefined {
    const identity = entry.identity;
    if (identity === null || entry.self) return undefined;
    const seen = this.#firstSeen.get(identityKey(identity));
    if (seen === undefined) return undefined;
    // Another device of the person here that this client knew first: this one is the second.
    const before = entries.some((other) => {
      const id = other.identity;
      if (id === null || id.userId !== identity.userId || id.deviceId === identity.deviceId)
        return false;
      const theirs = this.#firstSeen.get(identityKey(id));
      return theirs === undefined || theirs.order < seen.order;
    });
    if (before) return 'second-device';
    return seen.prior.length > 0 ? 'new-device' : undefined;
  }

  /** Members whose note is new since the last call: one `newDevice` event each. */
  news(roster: readonly RosterMember[]): NewDevice[] {
    const out: NewDevice[] = [];
    for (const member of roster) {
      if (member.deviceNote === undefined || member.userId === null || member.deviceId === null)
        continue;
      const key = `${member.userId}\n${member.deviceId}`;
      if (this.#announced.get(key) === member.deviceNote) continue;
      this.#announced.set(key, member.deviceNote);
      out.push({
        userId: member.userId,
        deviceId: member.deviceId,
        note: member.deviceNote,
        label: member.label,
        ...(member.displayName === undefined ? {} : { displayName: member.displayName }),
        fingerprint: member.fingerprint ?? '',
        leafIndex: member.leafIndex,
      });
    }
    return out;
  }
}
