// A standard (non-E2EE) meeting or call: the server holds the media key and hands a fresh one to
// everyone present on every change of who is present (../standard-keys.ts); chat and each
// participant's announced media state go through the server. The MLS messages are not used here.
import { epochText, toBase64 } from '../bytes.ts';
import type { Peer } from '../peer.ts';
import type { DetachReason } from '../room-types.ts';
import type { ServerMessage, ServerMessageOf, SignalingErrorCode } from '../signaling.ts';
import { StandardMediaKeys } from '../standard-keys.ts';
import type { JoinCheck, ModeMessage, RoomMode, RoomSide } from './room-mode.ts';

type MediaState = ServerMessageOf<'media-state'>['state'];

export class StandardMode implements RoomMode {
  private readonly keys = new StandardMediaKeys();
  /**
   * Each connected participant's last `media-state`, handed to whoever joins later (in memory
   * only; E2EE members say theirs inside the group, where the server cannot read).
   */
  private readonly mediaStates = new Map<string, MediaState>();

  constructor(
    private readonly room: RoomSide,
    /** The app's clock, for chat timestamps. */
    private readonly now: () => number,
  ) {}

  /** Nobody is held for a standard meeting besides who is connected. */
  absentMembers(): Promise<number> {
    return Promise.resolve(0);
  }

  /** A standard join brings nothing to check (a KeyPackage, if sent, is not used). */
  checkJoin(): Promise<JoinCheck> {
    return Promise.resolve({
      kind: 'ready',
      admit: (joiner, attach) => {
        attach(joiner.participantId, undefined);
        return Promise.resolve({ kind: 'joined', participantId: joiner.participantId });
      },
    });
  }

  /** There is no group to tell. */
  depart(): Promise<void> {
    return Promise.resolve();
  }

  /** The newcomer learns what the others announced; everyone gets a key the newcomer can read. */
  attached(participantId: string): void {
    for (const [from, state] of this.mediaStates)
      this.room.send(participantId, this.mediaStateMessage(from, state));
    this.rotateMediaKey();
  }

  /** Whoever left cannot read what is sent from now on. */
  detached(participantId: string, _userId: string, reason: DetachReason | 'turned-away'): void {
    this.mediaStates.delete(participantId);
    // Only an E2EE group turns a joiner away; were it to happen here, no key would go out.
    if (reason !== 'turned-away') this.rotateMediaKey();
  }

  userRemoved(): void {}

  handle(
    peer: Peer,
    participantId: string,
    message: ModeMessage,
  ): Promise<SignalingErrorCode | undefined> {
    switch (message.type) {
      case 'chat':
        this.room.broadcast({
          type: 'chat',
          meetingId: this.room.target.meetingId,
          from: participantId,
          displayName: peer.identity.user.displayName,
          text: message.text,
          at: new Date(this.now()).toISOString(),
        });
        return Promise.resolve(undefined);
      case 'media-state':
        this.mediaStates.set(participantId, message.state);
        this.room.broadcast(this.mediaStateMessage(participantId, message.state), participantId);
        return Promise.resolve(undefined);
      case 'reaction':
        this.room.broadcast(
          {
            type: 'reaction',
            meetingId: this.room.target.meetingId,
            from: participantId,
            reaction: message.reaction,
          },
          participantId,
        );
        return Promise.resolve(undefined);
      case 'group-created':
      case 'commit':
      case 'epoch-reached':
      case 'proposal-rejected':
      case 'commit-failed':
      case 'app-message':
        return Promise.resolve('not_allowed');
    }
  }

  leafOf(): undefined {
    return undefined;
  }

  get idle(): boolean {
    return true;
  }

  get committer(): undefined {
    return undefined;
  }

  end(): Promise<void> {
    return Promise.resolve();
  }

  close(): void {
    this.keys.clear();
  }

  private mediaStateMessage(from: string, state: MediaState): ServerMessage {
    return { type: 'media-state', meetingId: this.room.target.meetingId, from, state };
  }

  /** A fresh key for everyone present, on every change of who is present. */
  private rotateMediaKey(): void {
    if (this.room.size === 0) return;
    const { epoch, key } = this.keys.rotate();
    this.room.broadcast({
      type: 'media-key',
      meetingId: this.room.target.meetingId,
      epoch: epochText(epoch),
      key: toBase64(key),
    });
  }
}
