// A signaling socket as the rooms see it: who is on it, what client it runs, how to reach it, and
// which meeting it is in (one at a time). The room it is in is seen only through `MeetingRoom`, so
// this file does not depend on ./room.ts (which depends on it).
import type { RelayMember, RelayNotice, RelaySink } from './relay/index.ts';
import type { SocketIdentity } from './authenticate.ts';
import type { BlockReason, LeaveHow, RemovalReason } from './room-types.ts';
import type { ClientInfo, MeetingMessage, ServerMessage } from './signaling.ts';

/** What a socket may ask of the room it is in. */
export interface MeetingRoom {
  /** A message about this meeting from the participant on `peer`. */
  handle(peer: Peer, message: MeetingMessage): Promise<void>;
  /** The participant on `peer` leaves; media to them stops before this returns. */
  leave(peer: Peer, how: LeaveHow): void;
  /** Takes a participant out now and tells them why; false if they are not connected here. */
  remove(participantId: string, reason: RemovalReason, reasons?: readonly BlockReason[]): boolean;
}

export interface Membership {
  readonly room: MeetingRoom;
  readonly meetingId: string;
  readonly participantId: string;
  readonly relayId: number;
  readonly relay: RelayMember;
}

/**
 * The way to several sockets another node of a cluster serves: a message for many of them crosses
 * to that node once, with the list of its sockets, instead of once per socket
 * (cluster/host-side.ts). In a 1,000-person meeting that is a few messages per broadcast, not 1,000.
 */
export interface SharedRoute {
  send(message: ServerMessage, addresses: readonly string[]): void;
}

export interface Peer {
  readonly identity: SocketIdentity;
  readonly client: ClientInfo;
  /**
   * `text` is `message` already serialized, when one message goes to many sockets: a proposal
   * reaches every member, and serializing it once per member cost more than sending it.
   */
  send(message: ServerMessage, text?: string): void;
  /** Set when the socket is on another node: messages for many such peers share the route. */
  readonly route?: { readonly shared: SharedRoute; readonly address: string };
  /**
   * Where this node's relay sends the participant's media (the socket), with `notify` for the
   * relay's notices (key-frame requests, refusals); undefined when the socket is on another node
   * of a cluster, whose relay serves it (cluster/media-mesh.ts).
   */
  relaySink(notify: (notice: RelayNotice) => void): RelaySink | undefined;
  /** Set while this socket is in a meeting. */
  membership: Membership | undefined;
  /** A join is being decided for this socket (admission, KeyPackage, group). */
  joining: boolean;
}
