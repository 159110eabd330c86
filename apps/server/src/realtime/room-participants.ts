// Who is connected to one room, in the order they joined, with the 16-bit relay id each was given.
import type { Peer, SharedRoute } from './peer.ts';
import type { JoinTarget } from './admission.ts';
import type { MlsJoinInfo } from './mls/delivery-types.ts';
import type { RosterEntry } from './room-types.ts';
import type { ServerMessage, ServerMessageOf } from './signaling.ts';

export interface Participant {
  readonly participantId: string;
  readonly peer: Peer;
  readonly relayId: number;
  readonly joinedAt: number;
}

/** A participant as signaling describes them to the others. */
export type ParticipantInfo = ServerMessageOf<'participant-joined'>['participant'];

/** Relay ids are 16 bits: in a standard meeting they are the SFrame sender index (KID S = 16). */
const MAX_RELAY_ID = 0xffff;

export class RoomParticipants {
  private readonly byId = new Map<string, Participant>();
  private nextRelayId = 1;

  get size(): number {
    return this.byId.size;
  }

  get(participantId: string): Participant | undefined {
    return this.byId.get(participantId);
  }

  has(participantId: string): boolean {
    return this.byId.has(participantId);
  }

  /** The participant `peer` is connected as, if it is (and not replaced by a newer socket). */
  on(peer: Peer): Participant | undefined {
    const participantId = peer.membership?.participantId;
    if (participantId === undefined) return undefined;
    const participant = this.byId.get(participantId);
    return participant?.peer === peer ? participant : undefined;
  }

  all(): Participant[] {
    return [...this.byId.values()];
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }

  /** Older sockets of `peer`'s device: a device joining again takes over from them. */
  olderSocketsOf(peer: Peer): Participant[] {
    const device = peer.identity.device.id;
    return this.all().filter((p) => p.peer.identity.device.id === device && p.peer !== peer);
  }

  idsExcept(excluded: readonly Participant[]): Set<string> {
    return new Set(
      this.all()
        .filter((p) => !excluded.includes(p))
        .map((p) => p.participantId),
    );
  }

  add(participant: Participant): void {
    this.byId.set(participant.participantId, participant);
  }

  delete(participantId: string): void {
    this.byId.delete(participantId);
  }

  broadcast(message: ServerMessage, except?: string): void {
    this.sendEach(this.byId.keys(), message, except);
  }

  /**
   * Sends `message` to each of `participantIds` that is connected (not `except`): sockets here one
   * by one, sockets on another node in one message to that node.
   */
  sendEach(participantIds: Iterable<string>, message: ServerMessage, except?: string): void {
    const routed = new Map<SharedRoute, string[]>();
    let text: string | undefined;
    for (const id of participantIds) {
      const peer = id === except ? undefined : this.byId.get(id)?.peer;
      if (peer === undefined) continue;
      const route = peer.route;
      if (route === undefined) peer.send(message, (text ??= JSON.stringify(message)));
      else {
        const addresses = routed.get(route.shared);
        if (addresses === undefined) routed.set(route.shared, [route.address]);
        else addresses.push(route.address);
      }
    }
    for (const [shared, addresses] of routed) shared.send(message, addresses);
  }

  /** The next relay id nobody connected holds (they wrap around, skipping 0). */
  allocateRelayId(): number {
    const inUse = new Set(this.all().map((p) => p.relayId));
    for (let tries = 0; tries < MAX_RELAY_ID; tries++) {
      const id = this.nextRelayId;
      this.nextRelayId = id >= MAX_RELAY_ID ? 1 : id + 1;
      if (!inUse.has(id)) return id;
    }
    throw new Error('no relay id left');
  }
}

/** How signaling describes a participant; the leaf once a commit placed it in the group. */
export function participantInfo(p: Participant, leafIndex: number | undefined): ParticipantInfo {
  return {
    participantId: p.participantId,
    userId: p.peer.identity.user.id,
    displayName: p.peer.identity.user.displayName,
    relayId: p.relayId,
    deviceId: p.peer.identity.device.id,
    ...(leafIndex === undefined ? {} : { leafIndex }),
  };
}

/** A connected participant as the live roster (the HTTP routes, the re-check) shows it. */
export function rosterEntry(p: Participant, leafIndex: number | undefined): RosterEntry {
  return {
    participantId: p.participantId,
    userId: p.peer.identity.user.id,
    displayName: p.peer.identity.user.displayName,
    deviceId: p.peer.identity.device.id,
    relayId: p.relayId,
    joinedAt: p.joinedAt,
    leafIndex,
    client: p.peer.client,
  };
}

/** `joined` for a participant: their ids, the meeting's kind, and MLS instructions (E2EE). */
export function joinedMessage(
  target: JoinTarget,
  p: Participant,
  mls: MlsJoinInfo | undefined,
): ServerMessage {
  return {
    type: 'joined',
    meetingId: target.meetingId,
    participantId: p.participantId,
    relayId: p.relayId,
    endToEndEncryption: target.endToEndEncryption,
    ...(mls === undefined ? {} : { mls }),
  };
}
