import { describe, expect, it } from 'vitest';
import { ActiveSpeaker, levelOf } from './speaker.ts';

const timing = { threshold: 0.02, recentMs: 1_500, holdMs: 1_500 };

describe('the active speaker', () => {
  it('is nobody until someone is heard above room noise, and nobody again after they stop', () => {
    const speaker = new ActiveSpeaker(timing);
    speaker.heard(1, 0.005, 0);
    expect(speaker.speaker(0)).toBeUndefined();
    speaker.heard(1, 0.2, 100);
    expect(speaker.speaker(100)).toBe(1);
    // A pause between sentences keeps the highlight; silence past it ends it.
    expect(speaker.speaker(1_500)).toBe(1);
    expect(speaker.speaker(1_700)).toBeUndefined();
  });

  it('holds the speaker while a second voice talks over, then moves to a clearly louder one', () => {
    const speaker = new ActiveSpeaker(timing);
    speaker.heard(1, 0.1, 0);
    expect(speaker.speaker(0)).toBe(1);
    for (let t = 100; t <= 3_000; t += 100) {
      speaker.heard(1, 0.1, t);
      speaker.heard(2, 0.4, t);
      if (t < 1_500) expect(speaker.speaker(t)).toBe(1);
    }
    expect(speaker.speaker(3_000)).toBe(2);
  });

  it('keeps the speaker against a voice that is only a little louder', () => {
    const speaker = new ActiveSpeaker(timing);
    speaker.heard(1, 0.1, 0);
    expect(speaker.speaker(0)).toBe(1);
    for (let t = 100; t <= 4_000; t += 100) {
      speaker.heard(1, 0.1, t);
      speaker.heard(2, 0.12, t);
    }
    expect(speaker.speaker(4_000)).toBe(1);
  });

  it('moves at once to whoever speaks when the speaker stopped, and forgets one who left', () => {
    const speaker = new ActiveSpeaker(timing);
    speaker.heard(1, 0.3, 0);
    expect(speaker.speaker(0)).toBe(1);
    speaker.heard(2, 0.05, 1_800);
    expect(speaker.speaker(1_800)).toBe(2);
    speaker.forget(2);
    expect(speaker.speaker(1_900)).toBeUndefined();
  });
});

describe('an audio level', () => {
  it('is the RMS of the samples', () => {
    expect(levelOf(new Float32Array([0.5, -0.5, 0.5, -0.5]))).toBeCloseTo(0.5);
    expect(levelOf(new Float32Array([]))).toBe(0);
  });
});
