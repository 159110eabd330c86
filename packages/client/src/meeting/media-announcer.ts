// This participant's announced media state (what it says it has on, said again when needed) and
// what the others announced, with the counters `stats().mediaState` reports.
import type { Clock } from '../clock.ts';
import { MediaStates, mergeMediaState, NOTHING_ON } from './media-state.ts';
import type { SerialQueue } from './serial-queue.ts';
import type { MediaState, MediaStateChange } from './types.ts';

export interface MediaAnnouncerOptions {
  readonly clock: Clock;
  readonly queue: SerialQueue;
  /** Runs in the queue: says `state` if the meeting can now; true when it went out. */
  readonly say: (state: MediaState) => Promise<boolean>;
  /** Another participant's news. */
  readonly news: (change: MediaStateChange) => void;
  readonly report: (error: unknown) => void;
}

export class MediaAnnouncer {
  readonly counts = { sent: 0, received: 0, dropped: 0 };
  readonly #o: MediaAnnouncerOptions;
  readonly #others = new MediaStates();
  /** What this participant says it has on; undefined until the application first says it. */
  #own: MediaState | undefined;
  #ownAt = 0;
  #announcing = false;

  constructor(options: MediaAnnouncerOptions) {
    this.#o = options;
  }

  /** Fields left out keep their last value (off before the first call). */
  async set(change: Partial<MediaState>): Promise<void> {
    this.#own = mergeMediaState(this.#own ?? NOTHING_ON, change);
    this.#ownAt = this.#o.clock.now();
    await this.#o.queue.run(() => this.#say());
  }

  /**
   * Says this participant's media state again, behind whatever is queued already: a burst of
   * commits waiting in the queue costs one message, at the epoch they end in.
   */
  again(): void {
    if (this.#own === undefined || this.#announcing) return;
    this.#announcing = true;
    this.#o.queue
      .run(() => {
        this.#announcing = false;
        return this.#say();
      })
      .catch((error: unknown) => this.#o.report(error));
  }

  /** An announcement received; undefined when its claimed sender did not check out. */
  received(change: MediaStateChange | undefined): void {
    if (change === undefined) {
      this.counts.dropped++;
      return;
    }
    this.counts.received++;
    const news = this.#others.record(change);
    if (news !== undefined) this.#o.news(news);
  }

  own(participantId: string, userId: string): MediaStateChange | undefined {
    const state = this.#own;
    return state === undefined ? undefined : { participantId, userId, state, at: this.#ownAt };
  }

  of(participantId: string): MediaStateChange | undefined {
    return this.#others.get(participantId);
  }

  forget(participantId: string): void {
    this.#others.forget(participantId);
  }

  keepOnly(participantIds: ReadonlySet<string>): void {
    this.#others.keepOnly(participantIds);
  }

  async #say(): Promise<void> {
    const state = this.#own;
    if (state === undefined) return;
    if (await this.#o.say(state)) this.counts.sent++;
  }
}
