// The ring: a short two-tone chirp made with WebAudio, repeated while a call rings — no audio file
// to ship. Browsers may keep an AudioContext suspended until the page has had a click (autoplay
// rules; headless Chromium in the tests too): then the call rings silently, and nothing fails.
const PATTERN_MS = 3_000;

export interface RingTone {
  /** Idempotent. */
  stop(): void;
}

export function startRingTone(): RingTone {
  let context: AudioContext | undefined;
  try {
    context = new AudioContext();
  } catch {
    return { stop: () => undefined };
  }
  const audio = context;
  const chirp = () => {
    if (audio.state !== 'running') return;
    const start = audio.currentTime;
    const gain = audio.createGain();
    gain.connect(audio.destination);
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.2, start + 0.05);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.9);
    for (const [frequency, offset] of [
      [440, 0],
      [480, 0],
    ] as const) {
      const oscillator = audio.createOscillator();
      oscillator.frequency.value = frequency;
      oscillator.connect(gain);
      oscillator.start(start + offset);
      oscillator.stop(start + 0.9);
    }
  };
  // A resume refused by the autoplay rules is not an error worth showing: the dialog still rings.
  void audio.resume().then(chirp, () => undefined);
  const timer = setInterval(chirp, PATTERN_MS);
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      void audio.close().catch(() => undefined);
    },
  };
}
