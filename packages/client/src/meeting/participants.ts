// Who is connected, as the server says (`participants`, then `participant-joined` /
// `participant-left`): relay id → participant, user, display name. In an E2EE meeting this list
// is never shown as the roster (that comes from the MLS group); it only ties relay ids, which
// envelopes carry, to the users the MLS leaves name.
import type { ServerMessage } from '../wire.ts';

export type Participant = Extract<ServerMessage, { type: 'participants' }>['participants'][number];

export class ParticipantTable {
  readonly #byRelay = new Map<number, Participant>();
  readonly #byId = new Map<string, Participant>();
  /** Participants the server names a device for, by user and device (read for every roster). */
  readonly #byDevice = new Map<string, Participant>();

  replace(participants: readonly Participant[]): void {
    this.#byRelay.clear();
    this.#byId.clear();
    this.#byDevice.clear();
    for (const p of participants) this.add(p);
  }

  add(participant: Participant): void {
    this.remove(participant.participantId);
    const old = this.#byRelay.get(participant.relayId);
    if (old !== undefined) this.remove(old.participantId);
    this.#byRelay.set(participant.relayId, participant);
    this.#byId.set(participant.participantId, participant);
    if (participant.deviceId !== undefined)
      this.#byDevice.set(deviceKey(participant.userId, participant.deviceId), participant);
  }

  remove(participantId: string): void {
    const old = this.#byId.get(participantId);
    if (old === undefined) return;
    this.#byId.delete(participantId);
    if (this.#byRelay.get(old.relayId) === old) this.#byRelay.delete(old.relayId);
    if (old.deviceId !== undefined) {
      const key = deviceKey(old.userId, old.deviceId);
      if (this.#byDevice.get(key) === old) this.#byDevice.delete(key);
    }
  }

  byRelay(relayId: number): Participant | undefined {
    return this.#byRelay.get(relayId);
  }

  byId(participantId: string): Participant | undefined {
    return this.#byId.get(participantId);
  }

  /** The participant connected with this user's device, when the server names devices. */
  byDevice(userId: string, deviceId: string): Participant | undefined {
    return this.#byDevice.get(deviceKey(userId, deviceId));
  }

  all(): Participant[] {
    return [...this.#byRelay.values()];
  }
}

function deviceKey(userId: string, deviceId: string): string {
  return `${userId}\n${deviceId}`;
}
