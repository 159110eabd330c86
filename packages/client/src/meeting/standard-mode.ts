// A standard meeting: the server hands out the media key (so it could read the media), and chat
// and media state go through it. There is no group, no security code and nothing to recover.
import { fromBase64 } from '../bytes.ts';
import { ClientError } from '../errors.ts';
import { SenderBinding } from '../media/sender-binding.ts';
import type { ClientMessage, ReactionName, ServerMessage } from '../wire.ts';
import { readStandardChat } from './chat.ts';
import { readStandardReaction } from './reactions.ts';
import type { MeetingMode, ModeHost } from './mode.ts';
import { standardRoster, type RosterMember } from './roster.ts';
import type { MediaState } from './types.ts';

type Msg<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

export class StandardMode implements MeetingMode {
  readonly e2ee = false;
  readonly binding: SenderBinding;
  readonly securityCode = undefined;
  readonly #host: ModeHost;
  #epoch: bigint | undefined;

  constructor(host: ModeHost) {
    this.#host = host;
    this.binding = new SenderBinding('standard', host.participants);
  }

  get epoch(): bigint | undefined {
    return this.#epoch;
  }

  /** Frames carry the relay id as their sender index. */
  get leafIndex(): number | undefined {
    return this.#host.relayId;
  }

  roster(): RosterMember[] {
    return standardRoster(this.#host.participants.all(), this.#host.relayId, this.#host.people);
  }

  /** The first media key makes the meeting joined. */
  async admitted(): Promise<void> {}

  rejoin(): Promise<ClientMessage> {
    return Promise.resolve({ type: 'join', meetingId: this.#host.meetingId });
  }

  async handle(message: ServerMessage): Promise<void> {
    switch (message.type) {
      case 'media-key':
        return this.#onMediaKey(message);
      case 'chat':
        return this.#onChat(message);
      case 'media-state':
        return this.#onMediaState(message);
      case 'reaction':
        if (message.from === this.#host.participantId) return;
        return this.#host.reactionReceived(readStandardReaction(message, this.#host.chatLookups()));
      default:
        // MLS messages have no place in a meeting without a group.
        return;
    }
  }

  expectsRemoval(): boolean {
    return false;
  }

  recovers(): Promise<boolean> {
    return Promise.resolve(false);
  }

  sendChat(text: string): Promise<void> {
    if (!this.#host.send({ type: 'chat', meetingId: this.#host.meetingId, text })) {
      return Promise.reject(new ClientError('not_joined'));
    }
    return Promise.resolve();
  }

  /** The server hands the last one to whoever joins later. */
  sendMediaState(state: MediaState): Promise<boolean> {
    return Promise.resolve(
      this.#host.send({ type: 'media-state', meetingId: this.#host.meetingId, state }),
    );
  }

  sendReaction(reaction: ReactionName): Promise<void> {
    if (!this.#host.send({ type: 'reaction', meetingId: this.#host.meetingId, reaction })) {
      return Promise.reject(new ClientError('not_joined'));
    }
    return Promise.resolve();
  }

  close(): void {}

  async #onMediaKey(message: Msg<'media-key'>): Promise<void> {
    const host = this.#host;
    const relayId = host.relayId;
    if (relayId === undefined) return;
    const key = fromBase64(message.key);
    if (key === undefined) return;
    const epoch = BigInt(message.epoch);
    try {
      await host.keys().installServerKey(epoch, key, relayId);
    } finally {
      key.fill(0);
    }
    this.#epoch = epoch;
    await host.enterEpoch(epoch, relayId);
    host.markReady();
  }

  #onChat(message: Msg<'chat'>): void {
    if (message.from === this.#host.participantId) return;
    this.#host.chatReceived(readStandardChat(message, this.#host.chatLookups()));
  }

  #onMediaState(message: Msg<'media-state'>): void {
    const host = this.#host;
    if (message.from === host.participantId) return;
    const { hand, ...state } = message.state;
    host.mediaStateReceived({
      participantId: message.from,
      userId: host.participants.byId(message.from)?.userId,
      state: hand === undefined ? state : { ...state, hand },
      at: host.deps.clock.now(),
    });
  }
}
