// Who is speaking: the remote sender whose decoded audio was loud most recently and most, held
// for a moment so the highlight does not jump between two people talking over each other or
// vanish in the pause between two sentences. Fed from the samples the receiver plays (no second
// audio path), pure and on an injected clock so the rule is testable.

export interface SpeakerTiming {
  /** A level (RMS of samples in −1…1) at or above this counts as speech, not room noise. */
  readonly threshold: number;
  /** Someone heard within this long is still speaking (pauses between words and sentences). */
  readonly recentMs: number;
  /** The speaker shown keeps the highlight at least this long while still speaking. */
  readonly holdMs: number;
}

export const speakerTiming: SpeakerTiming = { threshold: 0.02, recentMs: 1_500, holdMs: 1_500 };

interface Heard {
  /** A smoothed level of this sender's recent speech. */
  level: number;
  loudAt: number;
}

export class ActiveSpeaker {
  readonly #timing: SpeakerTiming;
  readonly #heard = new Map<number, Heard>();
  #current: number | undefined;
  #since = 0;

  constructor(timing: SpeakerTiming = speakerTiming) {
    this.#timing = timing;
  }

  /** One decoded block of `relayId`'s audio, at `now` (ms). */
  heard(relayId: number, level: number, now: number): void {
    if (level < this.#timing.threshold) return;
    const before = this.#heard.get(relayId);
    const recent = before !== undefined && now - before.loudAt <= this.#timing.recentMs;
    this.#heard.set(relayId, {
      level: recent ? before.level * 0.8 + level * 0.2 : level,
      loudAt: now,
    });
  }

  /** A sender who left is nobody's speaker any more. */
  forget(relayId: number): void {
    this.#heard.delete(relayId);
    if (this.#current === relayId) this.#current = undefined;
  }

  /** The relay id of who is speaking at `now`, or undefined when nobody is. */
  speaker(now: number): number | undefined {
    const speaking = [...this.#heard].filter(
      ([, heard]) => now - heard.loudAt <= this.#timing.recentMs,
    );
    const current = this.#current;
    const stillSpeaking = speaking.some(([relayId]) => relayId === current);
    if (current !== undefined && stillSpeaking && now - this.#since < this.#timing.holdMs) {
      return current;
    }
    const loudest = speaking.sort(([, a], [, b]) => b.level - a.level)[0]?.[0];
    const next =
      stillSpeaking && loudest !== undefined ? this.#louderOf(current, loudest) : loudest;
    if (next !== current) {
      this.#current = next;
      this.#since = now;
    }
    return next;
  }

  /** Past the hold, the one speaking stays unless another is clearly louder (by half again). */
  #louderOf(current: number | undefined, loudest: number): number | undefined {
    if (current === undefined) return loudest;
    const currentLevel = this.#heard.get(current)?.level ?? 0;
    const loudestLevel = this.#heard.get(loudest)?.level ?? 0;
    return loudestLevel > currentLevel * 1.5 ? loudest : current;
  }
}

/** The RMS level of a block of samples in −1…1. */
export function levelOf(samples: Float32Array): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  return Math.sqrt(sum / samples.length);
}
