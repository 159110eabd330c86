// The words the room, its modes and its callers (the connection, the HTTP routes, the re-check)
// share. Kept apart from ./room.ts so that ./peer.ts can name them without importing the room.
import type { BlockReason } from './admission.ts';
import type { ClientInfo, ServerMessageOf } from './signaling.ts';

export interface JoinRequest {
  /** base64, as sent; checked only once the participant is admitted. */
  readonly keyPackage: string | undefined;
  readonly resumeEpoch: bigint | undefined;
}

/** The KeyPackage of the suite the target requires: a post-quantum meeting takes only its own. */
export function keyPackageFor(
  target: { readonly postQuantum?: unknown },
  message: { readonly keyPackage?: string; readonly postQuantumKeyPackage?: string },
): string | undefined {
  return target.postQuantum === undefined ? message.keyPackage : message.postQuantumKeyPackage;
}

export type RemovedReason = ServerMessageOf<'removed'>['reason'];
/** How someone stops being connected: a reason they are told, or a socket that just went away. */
export type DetachReason = RemovedReason | 'disconnected';
/** Why the server takes a participant out (rather than them leaving): their MLS Remove follows. */
export type RemovalReason = 'removed-by-organizer' | 'signed-out' | 'not-admitted';
/** How a participant on a socket stops being in the meeting of their own accord (or their socket's). */
export type LeaveHow = 'left' | 'timed-out' | 'disconnected';

/** A connected participant as the live roster shows it. */
export interface RosterEntry {
  readonly participantId: string;
  readonly userId: string;
  readonly displayName: string;
  readonly deviceId: string;
  readonly relayId: number;
  readonly joinedAt: number;
  readonly leafIndex: number | undefined;
  /** The client it joined with (the rules re-check it when they change). */
  readonly client: ClientInfo;
}

export type { BlockReason };
