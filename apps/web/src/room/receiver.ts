// Receiving: each decrypted frame from the SDK goes to the WebCodecs decoder of its stream (one
// per sender and kind); video is drawn on the tile's canvas, audio is scheduled on one
// AudioContext. A decoder error or a stream that starts mid-way waits for a key frame and asks
// the sender for one, instead of feeding the decoder frames it cannot use.
//
// Nothing on the wire says "muted", "camera off" or "stopped sharing": a publisher that stops
// simply stops sending (publisher.ts). So a stream that has been quiet for a while is shown as
// such — audio as muted, a camera tile blanked — and a quiet screen share is dropped, its tile gone.
import type { MediaKind, Meeting, ReceivedFrame, SenderInfo } from '@conclave/client';

export interface RemoteStream {
  readonly streamId: number;
  readonly kind: MediaKind;
  readonly sender: SenderInfo;
  /** Frames decoded so far (what the tile shows as flowing). */
  decoded: number;
  /** False once no frame has arrived for `quietAfterMs`: the sender muted or stopped the camera. */
  live: boolean;
}

export interface ReceiverTiming {
  /** How long without a frame before a stream counts as stopped. */
  readonly quietAfterMs: number;
  /** How often streams are checked for quiet. */
  readonly checkEveryMs: number;
  readonly now: () => number;
}

// Camera and microphone send many frames a second and the screen publisher repeats its last
// frame (publisher.ts), so two seconds of nothing is a stop, not a slow frame.
const defaultTiming: ReceiverTiming = {
  quietAfterMs: 2_000,
  checkEveryMs: 500,
  now: () => performance.now(),
};

interface StreamState extends RemoteStream {
  sender: SenderInfo;
  decoder: VideoDecoder | AudioDecoder;
  needsKeyFrame: boolean;
  canvas: HTMLCanvasElement | null;
  lastFrameAt: number;
}

export class Receiver {
  readonly #meeting: Meeting;
  readonly #audio: AudioContext;
  readonly #streams = new Map<number, StreamState>();
  readonly #onStreams: (streams: readonly RemoteStream[]) => void;
  readonly #off: () => void;
  readonly #timing: ReceiverTiming;
  readonly #quietCheck: ReturnType<typeof setInterval>;
  #playAt = 0;

  constructor(
    meeting: Meeting,
    audio: AudioContext,
    onStreams: (streams: readonly RemoteStream[]) => void,
    timing: ReceiverTiming = defaultTiming,
  ) {
    this.#meeting = meeting;
    this.#audio = audio;
    this.#onStreams = onStreams;
    this.#timing = timing;
    this.#off = meeting.on('frame', (frame) => this.#onFrame(frame));
    this.#quietCheck = setInterval(() => this.#checkQuiet(), timing.checkEveryMs);
  }

  get streams(): readonly RemoteStream[] {
    return [...this.#streams.values()];
  }

  /** Where the decoded video of `streamId` is drawn (null: not shown). */
  attach(streamId: number, canvas: HTMLCanvasElement | null): void {
    const stream = this.#streams.get(streamId);
    if (stream !== undefined) stream.canvas = canvas;
  }

  /** Drops the streams of senders no longer in the meeting. */
  keepOnly(relayIds: ReadonlySet<number>): void {
    let changed = false;
    for (const [id, stream] of this.#streams) {
      if (relayIds.has(stream.sender.relayId)) continue;
      if (stream.decoder.state !== 'closed') stream.decoder.close();
      this.#streams.delete(id);
      changed = true;
    }
    if (changed) this.#onStreams(this.streams);
  }

  /** Marks streams that stopped sending; a stopped screen share is dropped altogether. */
  #checkQuiet(): void {
    const now = this.#timing.now();
    let changed = false;
    for (const [id, stream] of this.#streams) {
      if (!stream.live || now - stream.lastFrameAt < this.#timing.quietAfterMs) continue;
      changed = true;
      if (stream.kind === 'screen') {
        if (stream.decoder.state !== 'closed') stream.decoder.close();
        this.#streams.delete(id);
        continue;
      }
      stream.live = false;
      // A frozen last picture would read as "still here": the tile goes blank instead.
      const canvas = stream.canvas;
      canvas?.getContext('2d')?.clearRect(0, 0, canvas.width, canvas.height);
    }
    if (changed) this.#onStreams(this.streams);
  }

  close(): void {
    clearInterval(this.#quietCheck);
    this.#off();
    for (const stream of this.#streams.values()) {
      if (stream.decoder.state !== 'closed') stream.decoder.close();
    }
    this.#streams.clear();
  }

  #onFrame(frame: ReceivedFrame): void {
    let stream = this.#streams.get(frame.streamId);
    if (stream === undefined) {
      stream = this.#open(frame);
      this.#streams.set(frame.streamId, stream);
      this.#onStreams(this.streams);
    } else if (stream.decoder.state === 'closed') {
      this.#makeDecoder(stream);
    }
    stream.lastFrameAt = this.#timing.now();
    if (!stream.live) {
      stream.live = true;
      this.#onStreams(this.streams);
    }
    stream.sender = frame.sender;
    if (stream.needsKeyFrame && !frame.keyFrame) return;
    stream.needsKeyFrame = false;
    const type = frame.keyFrame ? 'key' : 'delta';
    try {
      if (stream.decoder instanceof VideoDecoder) {
        stream.decoder.decode(
          new EncodedVideoChunk({ type, timestamp: frame.timestampUs, data: frame.data }),
        );
      } else {
        stream.decoder.decode(
          new EncodedAudioChunk({ type, timestamp: frame.timestampUs, data: frame.data }),
        );
      }
    } catch {
      this.#recover(stream);
    }
  }

  #open(frame: ReceivedFrame): StreamState {
    const state: StreamState = {
      streamId: frame.streamId,
      kind: frame.mediaKind,
      sender: frame.sender,
      decoded: 0,
      live: true,
      needsKeyFrame: frame.mediaKind !== 'audio',
      canvas: null,
      lastFrameAt: this.#timing.now(),
      decoder: undefined as unknown as VideoDecoder,
    };
    this.#makeDecoder(state);
    return state;
  }

  #makeDecoder(state: StreamState): void {
    if (state.kind === 'audio') {
      const decoder = new AudioDecoder({
        output: (data) => {
          state.decoded++;
          this.#play(data);
        },
        error: () => this.#recover(state),
      });
      decoder.configure({ codec: 'opus', sampleRate: 48_000, numberOfChannels: 1 });
      state.decoder = decoder;
    } else {
      const decoder = new VideoDecoder({
        output: (video) => {
          state.decoded++;
          draw(state.canvas, video);
          video.close();
        },
        error: () => this.#recover(state),
      });
      decoder.configure({ codec: 'vp8', optimizeForLatency: true });
      state.decoder = decoder;
    }
    if (state.needsKeyFrame) this.#meeting.requestKeyFrame(state.streamId);
  }

  /** A broken decoder is replaced on the next frame; video then waits for a key frame. */
  #recover(stream: StreamState): void {
    if (stream.decoder.state !== 'closed') stream.decoder.close();
    stream.needsKeyFrame = stream.kind !== 'audio';
    if (stream.needsKeyFrame) this.#meeting.requestKeyFrame(stream.streamId);
  }

  #play(data: AudioData): void {
    try {
      const buffer = this.#audio.createBuffer(1, data.numberOfFrames, data.sampleRate);
      const samples = new Float32Array(data.numberOfFrames);
      data.copyTo(samples, { planeIndex: 0, format: 'f32-planar' });
      buffer.copyToChannel(samples, 0);
      const source = this.#audio.createBufferSource();
      source.buffer = buffer;
      source.connect(this.#audio.destination);
      // A small cushion absorbs network jitter; if playback fell behind, start again from now.
      const now = this.#audio.currentTime;
      if (this.#playAt < now) this.#playAt = now + 0.06;
      source.start(this.#playAt);
      this.#playAt += buffer.duration;
    } finally {
      data.close();
    }
  }
}

function draw(canvas: HTMLCanvasElement | null, video: VideoFrame): void {
  if (canvas === null) return;
  if (canvas.width !== video.displayWidth || canvas.height !== video.displayHeight) {
    canvas.width = video.displayWidth;
    canvas.height = video.displayHeight;
  }
  canvas.getContext('2d')?.drawImage(video, 0, 0);
}
