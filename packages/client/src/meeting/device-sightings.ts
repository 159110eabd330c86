// First sightings of devices, for the roster and the `newDevice` event. Trust on first use pins a
// device's key silently; a device seen for the first time while its person is already in the
// meeting with another device ("second device"), or after this client had pinned that person with
// another device ("new device"), is worth a look: it may be the person's new laptop, or someone
// else signed in as them. A person seen for the first time is no news.
import type { AuthEvent, MemberIdentity, RosterEntry } from '@conclave/crypto/member';
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
      const key = deviceKey(finding.identity);
      if (this.#firstSeen.has(key)) continue;
      this.#firstSeen.set(key, {
        order: this.#firstSeen.size,
        prior: pins.priorDevices?.(finding.identity) ?? [],
      });
    }
  }

  /**
   * The notes of the group `entries`, worked out once for the whole roster: each member is
   * compared with the other devices of the same person only (a roster of a 1,000-person meeting
   * is built often; comparing every member with every other would cost a million steps each time).
   */
  notes(entries: readonly RosterEntry[]): (entry: RosterEntry) => DeviceNote | undefined {
    const byUser = new Map<string, { deviceId: string; order: number | undefined }[]>();
    const orderOf = new Map<RosterEntry, number | undefined>();
    for (const entry of entries) {
      const identity = entry.identity;
      if (identity === null) continue;
      const order = this.#firstSeen.get(deviceKey(identity))?.order;
      orderOf.set(entry, order);
      const devices = byUser.get(identity.userId) ?? [];
      devices.push({ deviceId: identity.deviceId, order });
      byUser.set(identity.userId, devices);
    }
    return (entry) => {
      const identity = entry.identity;
      if (identity === null || entry.self) return undefined;
      const order = orderOf.get(entry);
      const seen = order === undefined ? undefined : this.#firstSeen.get(deviceKey(identity));
      if (order === undefined || seen === undefined) return undefined;
      // Another device of the person here that this client knew first: this one is the second.
      const before = (byUser.get(identity.userId) ?? []).some(
        (other) =>
          other.deviceId !== identity.deviceId &&
          (other.order === undefined || other.order < order),
      );
      if (before) return 'second-device';
      return seen.prior.length > 0 ? 'new-device' : undefined;
    };
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

/**
 * One device's key in this class's maps. Identity fields never hold control characters (the
 * credential parser refuses them), so joining them with newlines is unambiguous — and cheap
 * enough for a 1,000-entry roster built at every epoch.
 */
function deviceKey(identity: MemberIdentity): string {
  return `${identity.tenantId}\n${identity.userId}\n${identity.deviceId}`;
}
