// A signaling socket as the rooms see it: who is on it, what client it runs, how to reach it, and
// which meeting it is in (one at a time).
import type { WebSocket } from 'ws';
import type { RelayMember } from './relay/index.ts';
import type { Room } from './room.ts';
import type { SocketIdentity } from './authenticate.ts';
import type { ClientInfo, ServerMessage } from './signaling.ts';

export interface Membership {
  readonly room: Room;
  readonly meetingId: string;
  readonly participantId: string;
  readonly relayId: number;
  readonly relay: RelayMember;
}

export interface Peer {
  readonly identity: SocketIdentity;
  readonly client: ClientInfo;
  readonly socket: WebSocket;
  send(message: ServerMessage): void;
  /** Set while this socket is in a meeting. */
  membership: Membership | undefined;
  /** A join is being decided for this socket (admission, KeyPackage, group). */
  joining: boolean;
}
