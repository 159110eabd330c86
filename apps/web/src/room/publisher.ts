// Sending one captured track: raw frames → WebCodecs encoder → the SDK, which SFrame-protects each
// encoded frame and hands it to the relay. Camera and screen use VP8, the microphone Opus (the
// codecs this Chromium is known to have). A paused track is still read (so its frames are
// released) but nothing is encoded: mute means no media leaves the browser.
import type { MediaKind, Meeting } from '@conclave/client';
import { framesOf } from './trackProcessor.ts';

const KEY_FRAME_INTERVAL_US = 2_000_000;

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

  const publisher: Publisher = {
    kind,
    paused: false,
    requestKeyFrame: () => {
      keyFrameWanted = true;
    },
    stop: () => {
      stopped = true;
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

  const pump = async () => {
    const reader = framesOf<VideoFrame | AudioData>(track).getReader();
    while (!stopped) {
      const { value, done } = await reader.read();
      if (done) break;
      try {
        if (!publisher.paused && encoder.state !== 'closed') encode(value);
      } finally {
        value.close();
      }
    }
    await reader.cancel().catch(() => undefined);
  };
  pump().catch(() => undefined);
  return publisher;
}
