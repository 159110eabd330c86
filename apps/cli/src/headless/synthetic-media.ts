// Synthetic encoded media for headless participants: frames the size and rhythm of real encoders
// (Opus at 50 frames/s of ~60 B; video at 15-30 frames/s of ~1.2 kB deltas with a ~8 kB key
// frame every 2 s and on request), so the SFrame, relay and fan-out paths carry a realistic load.
// The bytes are random: nothing decodes them, receivers only check that they decrypt.
import {
  systemClock,
  type Clock,
  type MediaKind,
  type PublishOptions,
  type PublishResult,
} from '@conclave/client';

export interface SyntheticMediaOptions {
  readonly clock?: Clock;
  readonly audio?: boolean;
  readonly video?: boolean;
  /** Default 30. */
  readonly videoFps?: number;
  /** Default 2 000 ms. */
  readonly keyFrameIntervalMs?: number;
}

export interface SyntheticMediaStats {
  audioSent: number;
  videoSent: number;
  keyFramesSent: number;
  /** Frames the SDK did not send (no keys yet, reconnecting, back-pressure). */
  notSent: number;
}

type Publish = (
  kind: MediaKind,
  data: Uint8Array,
  options: PublishOptions,
) => Promise<PublishResult>;

const AUDIO_INTERVAL_MS = 20;
const POOL = new Uint8Array(64 * 1024);
globalThis.crypto.getRandomValues(POOL.subarray(0, 65_536));

export class SyntheticMedia {
  readonly stats: SyntheticMediaStats = {
    audioSent: 0,
    videoSent: 0,
    keyFramesSent: 0,
    notSent: 0,
  };
  readonly #publish: Publish;
  readonly #clock: Clock;
  readonly #options: Required<Omit<SyntheticMediaOptions, 'clock'>>;
  readonly #timers = new Set<unknown>();
  #running = false;
  #lastKeyFrame = Number.NEGATIVE_INFINITY;
  #keyFrameWanted = true;
  #offset = 0;

  constructor(publish: Publish, options: SyntheticMediaOptions = {}) {
    this.#publish = publish;
    this.#clock = options.clock ?? systemClock;
    this.#options = {
      audio: options.audio ?? true,
      video: options.video ?? true,
      videoFps: options.videoFps ?? 30,
      keyFrameIntervalMs: options.keyFrameIntervalMs ?? 2_000,
    };
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#keyFrameWanted = true;
    if (this.#options.audio) this.#every(AUDIO_INTERVAL_MS, () => this.#audio());
    if (this.#options.video) this.#every(1000 / this.#options.videoFps, () => this.#video());
  }

  stop(): void {
    this.#running = false;
    for (const timer of this.#timers) this.#clock.clearTimeout(timer);
    this.#timers.clear();
  }

  /** A receiver asked for a key frame (after loss or on joining): the next video frame is one. */
  requestKeyFrame(): void {
    this.#keyFrameWanted = true;
  }

  #audio(): void {
    this.#send('audio', 55 + (this.#offset % 11), {});
  }

  #video(): void {
    const now = this.#clock.now();
    const keyFrame =
      this.#keyFrameWanted || now - this.#lastKeyFrame >= this.#options.keyFrameIntervalMs;
    if (keyFrame) {
      this.#keyFrameWanted = false;
      this.#lastKeyFrame = now;
    }
    this.#send('camera', keyFrame ? 8_000 : 1_000 + (this.#offset % 400), { keyFrame });
  }

  #send(kind: MediaKind, size: number, options: PublishOptions): void {
    this.#offset = (this.#offset + 997) % (POOL.length - 8_192);
    const data = POOL.slice(this.#offset, this.#offset + size);
    this.#publish(kind, data, options).then(
      (result) => {
        if (result.kind !== 'sent') {
          this.stats.notSent++;
          // The first frame others can decode must be a key frame.
          if (kind !== 'audio' && options.keyFrame === true) this.#keyFrameWanted = true;
          return;
        }
        if (kind === 'audio') this.stats.audioSent++;
        else this.stats.videoSent++;
        if (options.keyFrame === true) this.stats.keyFramesSent++;
      },
      () => this.stats.notSent++,
    );
  }

  /** Calls `tick` every `intervalMs` without drift: each timer aims at its slot on the clock. */
  #every(intervalMs: number, tick: () => void): void {
    let next = this.#clock.now() + intervalMs;
    const schedule = () => {
      const timer = this.#clock.setTimeout(
        () => {
          this.#timers.delete(timer);
          if (!this.#running) return;
          tick();
          next += intervalMs;
          // After a stall, skip the missed slots rather than send a burst.
          if (next < this.#clock.now()) next = this.#clock.now() + intervalMs;
          schedule();
        },
        Math.max(0, next - this.#clock.now()),
      );
      this.#timers.add(timer);
    };
    schedule();
  }
}
