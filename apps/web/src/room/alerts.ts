// What the room says when the SDK's authentication service reports something: a credential it
// refused, a device key that changed, a device new to this browser. Each names who and why, in a
// sentence a person can act on (compare fingerprints, ask the organizer), and stays on screen
// until dismissed.
import type {
  KeyChange,
  Meeting,
  NewDevice,
  RefusedCredential,
  SecurityAlarm,
} from '@conclave/client';

export interface RoomAlert {
  readonly id: number;
  /** Same key, same alert: shown once. */
  readonly key: string;
  /** `verified-key-changed`: a device this browser verified by hand; shown as a blocking dialog. */
  readonly kind: 'alarm' | 'refused' | 'key-changed' | 'verified-key-changed' | 'new-device';
  /** Whose device, as the roster or the directory names them. */
  readonly who: string;
  readonly text: string;
  /** The fingerprint to compare, when there is one. */
  readonly fingerprint?: string;
}

type NewAlert = Omit<RoomAlert, 'id'>;

/** Every finding of `meeting` the room shows, handed to `show`. */
export function alertsOf(
  meeting: Pick<Meeting, 'on'>,
  noun: 'meeting' | 'call',
  show: (alert: NewAlert) => void,
): void {
  // An unadmitted Add is the server's doing: the alarm says so (and replaces the refusal).
  meeting.on('refused', (r) => {
    if (r.reason !== 'not_admitted') show(alertOfRefusal(r, noun));
  });
  meeting.on('alarm', (alarm) => show(alertOfAlarm(alarm)));
  meeting.on('keyChanged', (change) => show(alertOfKeyChange(change)));
  meeting.on('newDevice', (device) => show(alertOfNewDevice(device)));
}

function deviceKey(identity: { userId: string; deviceId: string } | undefined): string {
  return identity === undefined ? 'unknown' : `${identity.userId}/${identity.deviceId}`;
}

export function alertOfRefusal(refused: RefusedCredential, noun: 'meeting' | 'call'): NewAlert {
  const who = refused.displayName ?? 'Someone unknown to the directory';
  const why: Record<string, string> = {
    not_admitted: `${who} was kept out: they are not invited or admitted to this ${noun}, so this browser did not accept them into the encrypted group.`,
    unknown_device: `${who} was kept out: the directory does not know the device they joined from, so this browser did not accept it.`,
    directory_key_mismatch: `${who} was kept out: their device's key does not match the one the directory lists for it.`,
    unsupported_credential: `A participant was kept out: their credential is not a Conclave device identity.`,
    bad_identity: `A participant was kept out: their credential does not name a Conclave device.`,
  };
  return {
    key: `refused:${refused.reason}:${deviceKey(refused.identity)}:${refused.fingerprint}`,
    kind: 'refused',
    who,
    text:
      why[refused.reason] ??
      `${who} was kept out: this browser did not accept their device (${refused.reason}).`,
    fingerprint: refused.fingerprint,
  };
}

/**
 * A server that lies, caught: it tried to add someone no organizer admitted. Said as the SDK says
 * it (what happened, and that this browser refused), naming the person when the directory can.
 */
export function alertOfAlarm(alarm: SecurityAlarm): NewAlert {
  return {
    key: `alarm:${alarm.kind}:${deviceKey(alarm.identity)}:${alarm.fingerprint}`,
    kind: 'alarm',
    who: alarm.displayName ?? 'Someone',
    text: alarm.message,
    fingerprint: alarm.fingerprint,
  };
}

export function alertOfKeyChange(change: KeyChange): NewAlert {
  if (change.subject === 'server') {
    return {
      key: `key-changed:server:${change.fingerprint}`,
      kind: 'key-changed',
      who: 'The server',
      text: "The server's meeting key is not the one this browser saw before: nothing was accepted from it.",
      fingerprint: change.fingerprint,
    };
  }
  const who = change.displayName ?? 'A participant';
  if (change.wasVerified === true) {
    const device = change.identity === undefined ? '' : ` (device ${change.identity.deviceId})`;
    return {
      key: `key-changed:${deviceKey(change.identity)}:${change.fingerprint}`,
      kind: 'verified-key-changed',
      who,
      text: `${who}'s device${device} that you verified has a new key, so this browser did not accept it and removed its verification. It may be a new installation — or someone else. Ask ${who}, and compare the new fingerprint before verifying it again.`,
      fingerprint: change.fingerprint,
    };
  }
  return {
    key: `key-changed:${deviceKey(change.identity)}:${change.fingerprint}`,
    kind: 'key-changed',
    who,
    text: `${who}'s device key changed since this browser last saw that device, so it was not accepted. Compare the new fingerprint with ${who} before trusting it.`,
    fingerprint: change.fingerprint,
  };
}

export function alertOfNewDevice(device: NewDevice): NewAlert {
  const who = device.label;
  return {
    key: `new-device:${device.userId}/${device.deviceId}:${device.note}`,
    kind: 'new-device',
    who,
    text:
      device.note === 'second-device'
        ? `${who} — second device: ${who} is also here on another device. If ${who} did not add one, someone else may be using their account.`
        : `${who} — new device: this browser knew ${who} with another device. Compare the fingerprint with ${who} to be sure it is theirs.`,
    fingerprint: device.fingerprint,
  };
}

/** The short note after a roster name. */
export function deviceNoteWords(note: 'new-device' | 'second-device'): string {
  return note === 'second-device' ? 'second device' : 'new device';
}
