// The organizer's (or an admin's) removals asked over the meeting's own socket (`remove-participant`),
// each settled only when it is done: the server recorded it (`removal-done`) and — in an E2EE
// meeting — this client's own group no longer holds any leaf of that user, i.e. the commit that
// removes them was processed here. The server takes such a removal while its database is away
// (the participant is out of the relay at once, `removal-accepted`) and records it when the
// database returns, so the promise may wait through an outage; it says where it stands by the
// `removal` event meanwhile.
import { ClientError } from '../errors.ts';
import type { Emitter } from '../emitter.ts';
import type { ClientMessage, ServerMessage } from '../wire.ts';
import type { MeetingMode } from './mode.ts';
import type { ParticipantTable } from './participants.ts';
import type { MeetingEvents, RemovalEvent } from './types.ts';

type RemovalMessage = Extract<
  ServerMessage,
  { type: 'removal-accepted' | 'removal-done' | 'removal-refused' }
>;

export interface RemovalResult {
  /** Every participant taken out: the one named and any other device of the same user. */
  readonly removed: readonly string[];
}

export interface RemovalsDeps {
  readonly meetingId: string;
  readonly send: (message: ClientMessage) => boolean;
  /** The user of a participant the server listed, if it still is. */
  readonly userOf: (participantId: string) => string | undefined;
  /** E2EE: whether this client's group still has a leaf of `userId` (standard: always false). */
  readonly inGroup: (userId: string) => boolean;
  readonly emit: (event: RemovalEvent) => void;
}

interface Pending {
  readonly userId: string;
  readonly resolve: (result: RemovalResult) => void;
  readonly reject: (error: ClientError) => void;
  /** Set by `removal-done`: recorded; waiting for the group to leave the user out. */
  recorded?: readonly string[];
}

export class Removals {
  readonly #pending = new Map<string, Pending>();

  constructor(private readonly deps: RemovalsDeps) {}

  /** Asks the server to remove `participantId`; see Meeting.removeParticipant. */
  ask(participantId: string): Promise<RemovalResult> {
    const userId = this.deps.userOf(participantId);
    if (userId === undefined) return Promise.reject(new ClientError('invalid_argument'));
    if (this.#pending.has(participantId))
      return Promise.reject(new ClientError('invalid_argument'));
    const { meetingId } = this.deps;
    return new Promise<RemovalResult>((resolve, reject) => {
      this.#pending.set(participantId, { userId, resolve, reject });
      if (!this.deps.send({ type: 'remove-participant', meetingId, participantId }))
        this.#fail(participantId, new ClientError('connection_failed'));
    });
  }

  handle(message: RemovalMessage): void {
    const { participantId } = message;
    const pending = this.#pending.get(participantId);
    if (pending === undefined) return;
    switch (message.type) {
      case 'removal-accepted':
        this.deps.emit({ participantId, state: 'accepted', removed: message.removed });
        return;
      case 'removal-done':
        pending.recorded = message.removed;
        this.deps.emit({ participantId, state: 'recorded', removed: message.removed });
        this.groupChanged();
        return;
      case 'removal-refused':
        this.deps.emit({
          participantId,
          state: 'refused',
          code: message.code,
          message: message.message,
        });
        // The server's sentence goes to the event (for a person to read), the code to the error.
        this.#fail(participantId, new ClientError('server', { serverCode: message.code }));
        return;
    }
  }

  /** The group moved on (or the server's list changed): a recorded removal may now be done. */
  groupChanged(): void {
    for (const [participantId, pending] of this.#pending) {
      const removed = pending.recorded;
      if (removed === undefined || this.deps.inGroup(pending.userId)) continue;
      this.#pending.delete(participantId);
      this.deps.emit({ participantId, state: 'done', removed });
      pending.resolve({ removed });
    }
  }

  /**
   * The socket dropped or the meeting ended before an answer: what the server had accepted may
   * still complete there, but this client can no longer tell — the caller checks the list.
   */
  abandon(error: ClientError): void {
    for (const participantId of [...this.#pending.keys()]) this.#fail(participantId, error);
  }

  #fail(participantId: string, error: ClientError): void {
    const pending = this.#pending.get(participantId);
    if (pending === undefined) return;
    this.#pending.delete(participantId);
    pending.reject(error);
  }
}

/** What of a meeting its removals use: how to send, who is listed, and its group. */
export interface RemovalsHost {
  readonly meetingId: string;
  readonly participants: ParticipantTable;
  readonly mode: MeetingMode | undefined;
  readonly events: Emitter<MeetingEvents>;
  send(message: ClientMessage): boolean;
}

export function removalsOf(host: RemovalsHost): Removals {
  return new Removals({
    meetingId: host.meetingId,
    send: (message) => host.send(message),
    userOf: (participantId) => host.participants.byId(participantId)?.userId,
    inGroup: (userId) =>
      host.mode?.e2ee === true && host.mode.roster().some((m) => m.userId === userId),
    emit: (event) => host.events.emit('removal', event),
  });
}
