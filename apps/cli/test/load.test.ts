// `conclave load`: N headless participants (SDK clients in worker processes) against a server the
// command starts in its own process; the JSON summary is the last stdout line.
import { availableParallelism } from 'node:os';
import type { Clock } from '@conclave/client';
import { describe, expect, it } from 'vitest';
import { distribution } from '../src/headless/load-runner.ts';
import { SyntheticMedia } from '../src/headless/synthetic-media.ts';
import { runCli, tempDir } from './helpers/cli.ts';

interface LoadJson {
  participants: number;
  workers: number;
  admitted: number;
  decrypting: number;
  e2ee: boolean;
  securityCodesAgree: boolean | null;
  securityCode: string | null;
  epochs: { min: number | null; max: number | null };
  joinMs: { p50: number | null; p95: number | null; max: number | null };
  criticalPathMs: {
    p50: number | null;
    p95: number | null;
    max: number | null;
    joins: number;
    parts: Record<string, { p50: number | null; p95: number | null; max: number | null }>;
  };
  convergedMs: number | null;
  settled: { ms: number | null; rekeys: number } | null;
  frames: {
    sent: number;
    received: number;
    decrypted: number;
    dropped: number;
    droppedByReason: Record<string, number>;
  };
  window: { received: number; decrypted: number };
  media: { senders: number; description: string };
  server: { source: string; cpuMs?: number; rssMb?: number; note: string };
  failures: unknown[];
}

async function load(
  args: string[],
  timeoutMs: number,
): Promise<{ json: LoadJson; stderr: string; ms: number }> {
  const config = await tempDir('load');
  const started = Date.now();
  try {
    const result = await runCli(['load', ...args, '--json'], { configDir: config.path, timeoutMs });
    expect(result.code, result.stderr).toBe(0);
    const last = result.stdout.trim().split('\n').at(-1)!;
    return { json: JSON.parse(last) as LoadJson, stderr: result.stderr, ms: Date.now() - started };
  } finally {
    await config.remove();
  }
}

describe('conclave load', () => {
  it('8 E2EE participants converge on one security code and decrypt each other', async () => {
    const { json } = await load(['--participants', '8', '--e2ee', '--duration', '3'], 90_000);
    expect(json).toMatchObject({
      participants: 8,
      workers: 1,
      admitted: 8,
      decrypting: 8,
      e2ee: true,
      securityCodesAgree: true,
      failures: [],
    });
    expect(json.securityCode).toMatch(/^(\d{5} ){3}\d{5}$/);
    expect(json.epochs.min).toBe(json.epochs.max);
    // Everyone sends; each frame reaches the 7 others, who decrypt nearly all of it (a joiner
    // cannot read what was sent before its epoch — `before_join` — and drops are counted by reason).
    expect(json.media.senders).toBe(8);
    expect(json.frames.sent).toBeGreaterThan(8 * 3 * 50);
    expect(json.frames.received).toBeGreaterThan(json.frames.sent * 6);
    expect(json.frames.decrypted).toBeGreaterThan(json.frames.received * 0.9);
    expect(json.frames.decrypted + json.frames.dropped).toBe(json.frames.received);
    for (const reason of Object.keys(json.frames.droppedByReason))
      expect(['before_join', 'no_keys', 'unknown_epoch']).toContain(reason);
    expect(json.joinMs.p50).toBeGreaterThan(0);
    expect(json.joinMs.p95! >= json.joinMs.p50!).toBe(true);
    expect(json.joinMs.max! >= json.joinMs.p95!).toBe(true);
    // Seven joined by a Welcome (the first founded the group): each join's critical path is made
    // of its measured parts, and a part never exceeds the whole.
    const path = json.criticalPathMs;
    expect(path.joins).toBe(7);
    expect(path.p50).toBeGreaterThan(0);
    for (const part of ['batchingWait', 'commit', 'welcome', 'firstFrame'])
      expect(path.parts[part]!.max!).toBeLessThanOrEqual(path.max!);
    expect(path.parts.firstFrame!.p50).toBeGreaterThanOrEqual(20);
    expect(json.server.source).toBe('in-process');
    expect(json.server.cpuMs).toBeGreaterThan(0);
  });

  it('a 50-participant E2EE meeting converges in CI time (4 senders, all members)', async () => {
    const { json, ms } = await load(['--participants', '50', '--e2ee', '--duration', '2'], 120_000);
    expect(json).toMatchObject({ participants: 50, admitted: 50, securityCodesAgree: true });
    expect(json.media.description).toContain('lighter mode: 4 of 50');
    // By default, one worker process per 25 participants, at most one per core — one core is left
    // to the server this command started.
    expect(json.workers).toBe(Math.max(1, Math.min(availableParallelism() - 1, 2)));
    expect(json.convergedMs).not.toBeNull();
    expect(json.convergedMs!).toBeLessThan(60_000);
    // Every participant, senders included, decrypted frames from the (other) senders.
    expect(json.decrypting).toBe(50);
    expect(json.joinMs.max).not.toBeNull();
    expect(ms).toBeLessThan(100_000);
  });

  it('12 E2EE participants in 2 worker processes converge as one meeting', async () => {
    const { json } = await load(
      ['--participants', '12', '--e2ee', '--workers', '2', '--duration', '2'],
      90_000,
    );
    expect(json).toMatchObject({
      participants: 12,
      workers: 2,
      admitted: 12,
      securityCodesAgree: true,
      failures: [],
    });
    expect(json.securityCode).toMatch(/^(\d{5} ){3}\d{5}$/);
    expect(json.epochs.min).not.toBeNull();
    expect(json.epochs.min).toBe(json.epochs.max);
    expect(json.convergedMs).not.toBeNull();
    // The 4 senders are the first accounts, all in worker 1; everyone, in both workers, decrypts.
    expect(json.media.description).toContain('spread over 2 worker processes');
    expect(json.media.description).toContain('the senders in worker 1');
    expect(json.frames.decrypted).toBeGreaterThan(0);
    expect(json.decrypting).toBe(12);
  });

  it('with --media-after-convergence the senders start once everyone agrees, not as they join', async () => {
    const { json } = await load(
      [
        '--participants',
        '6',
        '--senders',
        '2',
        '--e2ee',
        '--workers',
        '1',
        '--duration',
        '2',
        '--media-after-convergence',
        '--settle',
        '1',
      ],
      90_000,
    );
    expect(json).toMatchObject({ admitted: 6, decrypting: 6, securityCodesAgree: true });
    // Media began once one epoch had held for the settle time, no earlier than the convergence.
    expect(json.settled?.ms).toBeGreaterThanOrEqual(json.convergedMs ?? Infinity);
    expect(json.media.description).toContain('the senders start once everyone agrees');
    // Nothing flowed during the storm: every frame received came in the measured time.
    expect(json.window.received).toBeGreaterThan(0);
    expect(json.frames.received).toBe(json.window.received);
  });

  it('refuses a participant or worker count out of range with a usage error', async () => {
    const config = await tempDir('load-usage');
    try {
      const result = await runCli(['load', '--participants', '0'], { configDir: config.path });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('--participants');
      const workers = await runCli(['load', '--participants', '4', '--workers', '0'], {
        configDir: config.path,
      });
      expect(workers.code).toBe(2);
      expect(workers.stderr).toContain('--workers');
      const settle = await runCli(['load', '--participants', '4', '--settle', '5'], {
        configDir: config.path,
      });
      expect(settle.code).toBe(2);
      expect(settle.stderr).toContain('--settle applies with --media-after-convergence only');
    } finally {
      await config.remove();
    }
  });
});

/** Timers that fire only when the test moves time. */
class StepClock implements Clock {
  time = 0;
  readonly timers = new Map<number, { at: number; callback: () => void }>();
  #seq = 0;
  now(): number {
    return this.time;
  }
  setTimeout(callback: () => void, ms: number): unknown {
    this.timers.set(++this.#seq, { at: this.time + ms, callback });
    return this.#seq;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  async advance(ms: number): Promise<void> {
    const until = this.time + ms;
    for (;;) {
      const due = [...this.timers.entries()]
        .filter(([, t]) => t.at <= until)
        .sort(([, a], [, b]) => a.at - b.at)[0];
      if (due === undefined) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].callback();
      await Promise.resolve();
    }
    this.time = until;
    for (let i = 0; i < 5; i++) await Promise.resolve();
  }
}

describe('synthetic media', () => {
  it('sends 50 audio frames and 30 video frames a second, key frames every 2 s and on request', async () => {
    const clock = new StepClock();
    const frames: { kind: string; size: number; keyFrame: boolean; at: number }[] = [];
    const media = new SyntheticMedia(
      (kind, data, options) => {
        frames.push({
          kind,
          size: data.length,
          keyFrame: options.keyFrame === true,
          at: clock.time,
        });
        return Promise.resolve({ kind: 'sent', streamId: 1, bytes: data.length, kid: 0n });
      },
      { clock },
    );
    media.start();
    await clock.advance(4_000);
    const audio = frames.filter((f) => f.kind === 'audio');
    const video = frames.filter((f) => f.kind === 'camera');
    expect(audio).toHaveLength(200);
    expect(video.length).toBeGreaterThanOrEqual(119);
    expect(video.length).toBeLessThanOrEqual(120);
    expect(audio.every((f) => f.size >= 55 && f.size <= 65)).toBe(true);
    const keyFrames = video.filter((f) => f.keyFrame);
    // The first video frame is a key frame, and the next one comes 2 s (one frame slot) later.
    expect(keyFrames).toHaveLength(2);
    expect(keyFrames[0]!.at).toBe(video[0]!.at);
    expect(keyFrames[1]!.at - keyFrames[0]!.at).toBeGreaterThanOrEqual(2_000);
    expect(keyFrames[1]!.at - keyFrames[0]!.at).toBeLessThan(2_040);
    expect(keyFrames.every((f) => f.size === 8_000)).toBe(true);
    expect(video.filter((f) => !f.keyFrame).every((f) => f.size >= 1_000 && f.size < 1_400)).toBe(
      true,
    );
    const before = frames.length;
    media.requestKeyFrame();
    await clock.advance(34);
    expect(frames.slice(before).find((f) => f.kind === 'camera')?.keyFrame).toBe(true);
    media.stop();
    const count = frames.length;
    await clock.advance(1_000);
    expect(frames).toHaveLength(count);
    expect(media.stats).toMatchObject({ keyFramesSent: 3, notSent: 0 });
    expect(media.stats.audioSent).toBe(frames.filter((f) => f.kind === 'audio').length);
  });
});

describe('latency distribution', () => {
  it('is nearest-rank p50, p95 and max, and null without samples', () => {
    expect(distribution([])).toEqual({ p50: null, p95: null, max: null });
    expect(distribution([5])).toEqual({ p50: 5, p95: 5, max: 5 });
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(distribution(hundred)).toEqual({ p50: 50, p95: 95, max: 100 });
  });
});
