// Sending one captured track: raw frames → WebCodecs encoder → the SDK, which SFrame-protects each
// encoded frame and hands it to the relay. Camera and screen use VP8, the microphone Opus (the
// codecs this Chromium is known to have). A paused track is still read (so its frames are
// released) but nothing is encoded: mute means no media leaves the browser.
//
// Screen capture only delivers a frame when the screen changes, so a still screen's last frame is
// encoded again at a steady pace. The end of a share is announced now (roomSession.ts), but the
// repeat is still needed: a key frame asked for by someone who just joined (or whose decoder
// failed) can only be made from a frame, and the receivers of older clients, which never hear an
// announcement, still take two quiet seconds as the end of the share (receiver.ts).
import type { MediaKind, Meeting } from '@conclave/client';
import { framesOf } from './trackProcessor.ts';

const KEY_FRAME_INTERVAL_US = 2_000_000;
const SCREEN_REPEAT_MS = 500;

export interface Publisher {
  readonly kind: MediaKind;
  /** Paused: frames are dropped before the encoder. */
  paused: boolean;
  requestKeyFrame(): void;
  stop(): void;
}

export function publishTrack(
  meeting: Meeting,
  kind: MediaKind,
  track: MediaStreamTrack,
): Publisher {
  let stopped = false;
  let keyFrameWanted = true;
  let lastKeyFrameUs = -Infinity;
  const send = (data: Uint8Array, keyFrame: boolean, timestampUs: number) => {
    // A frame that cannot go out now (no keys yet, backpressure) is simply not sent.
    void meeting.publish(kind, data, { keyFrame, timestampUs });
  };
  const copy = (chunk: EncodedVideoChunk | EncodedAudioChunk) => {
    const data = new Uint8Array(chunk.byteLength);
    chunk.copyTo(data);
    return data;
  };
  const encoder: VideoEncoder | AudioEncoder =
    kind === 'audio'
      ? new AudioEncoder({
          output: (chunk) => send(copy(chunk), true, chunk.timestamp),
          error: () => undefined,
        })
      : new VideoEncoder({
          output: (chunk) => send(copy(chunk), chunk.type === 'key', chunk.timestamp),
          error: () => undefined,
        });
  let configured = false;
  let repeat: ReturnType<typeof setInterval> | undefined;
  let still: { frame: VideoFrame; at: number } | undefined;

  const publisher: Publisher = {
    kind,
    paused: false,
    requestKeyFrame: () => {
      keyFrameWanted = true;
    },
    stop: () => {
      stopped = true;
      clearInterval(repeat);
      still?.frame.close();
      still = undefined;
      track.stop();
      if (encoder.state !== 'closed') encoder.close();
    },
  };

  const encode = (frame: VideoFrame | AudioData) => {
    if (encoder instanceof AudioEncoder && frame instanceof AudioData) {
      if (!configured) {
        encoder.configure({
          codec: 'opus',
          sampleRate: frame.sampleRate,
          numberOfChannels: frame.numberOfChannels,
          bitrate: 32_000,
        });
        configured = true;
      }
      encoder.encode(frame);
    } else if (encoder instanceof VideoEncoder && frame instanceof VideoFrame) {
      if (!configured) {
        encoder.configure({
          codec: 'vp8',
          width: frame.displayWidth,
          height: frame.displayHeight,
          bitrate: kind === 'screen' ? 1_000_000 : 500_000,
          framerate: 15,
          latencyMode: 'realtime',
        });
        configured = true;
      }
      const keyFrame = keyFrameWanted || frame.timestamp - lastKeyFrameUs >= KEY_FRAME_INTERVAL_US;
      if (keyFrame) {
        keyFrameWanted = false;
        lastKeyFrameUs = frame.timestamp;
      }
      // A backed-up encoder would only add latency: skip frames until it catches up.
      if (encoder.encodeQueueSize < 3) encoder.encode(frame, { keyFrame });
    }
  };

  /** Keeps a copy of the newest screen frame, to be repeated while the screen stands still. */
  const remember = (frame: VideoFrame | AudioData) => {
    if (kind !== 'screen' || stopped || !(frame instanceof VideoFrame)) return;
    still?.frame.close();
    still = { frame: frame.clone(), at: performance.now() };
  };

  const repeatStill = () => {
    if (still === undefined || stopped || publisher.paused || encoder.state === 'closed') return;
    const elapsedMs = performance.now() - still.at;
    if (elapsedMs < SCREEN_REPEAT_MS) return;
    const again = new VideoFrame(still.frame, {
      timestamp: still.frame.timestamp + Math.round(elapsedMs * 1000),
    });
    try {
      encode(again);
    } finally {
      again.close();
    }
  };

  const pump = async () => {
    const reader = framesOf<VideoFrame | AudioData>(track).getReader();
    while (!stopped) {
      const { value, done } = await reader.read();
      if (done) break;
      try {
        if (!publisher.paused && encoder.state !== 'closed') encode(value);
        remember(value);
      } finally {
        value.close();
      }
    }
    await reader.cancel().catch(() => undefined);
  };
  if (kind === 'screen') repeat = setInterval(repeatStill, SCREEN_REPEAT_MS);
  pump().catch(() => undefined);
  return publisher;
}
