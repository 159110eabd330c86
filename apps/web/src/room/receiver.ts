// Receiving: each decrypted frame from the SDK goes to the WebCodecs decoder of its stream (one
// per sender and kind); video is drawn on the tile's canvas, audio is scheduled on one
// AudioContext. A decoder error or a stream that starts mid-way waits for a key frame and asks
// the sender for one, instead of feeding the decoder frames it cannot use.
//
// Whether a sender's camera is off or its screen share ended is what the sender announced
// (`media-state`, see roomSession.ts): a camera announced off is blanked at once and draws nothing
// more, a screen share announced over is dropped at once. A stream announced on that goes quiet is
// only marked as not arriving (a stalled network is not a mute). Senders that never announce
// (older clients) fall back to silence: quiet for a while, a camera tile is blanked and a screen
// share dropped.
import type {
  MediaKind,
  MediaStateChange,
  Meeting,
  ReceivedFrame,
  SenderInfo,
} from '@conclave/client';
import { ActiveSpeaker, levelOf } from './speaker.ts';

export interface RemoteStream {
  readonly streamId: number;
  readonly kind: MediaKind;
  readonly sender: SenderInfo;
  /** Frames decoded so far (what the tile shows as flowing). */
  decoded: number;
  /** False once no frame has arrived for `quietAfterMs`. */
  live: boolean;
  /** Whether the sender said this kind is on; undefined if it never said (an older client). */
  announced: boolean | undefined;
}

export interface ReceiverTiming {
  /** How long without a frame before a stream counts as stopped. */
  readonly quietAfterMs: number;
  /** How often streams are checked for quiet. */
  readonly checkEveryMs: number;
  readonly now: () => number;
}

// Camera and microphone send many frames a second and the screen publisher repeats its last
// frame (publisher.ts), so two seconds of nothing is a stop or a stall, not a slow frame.
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
  readonly #offs: (() => void)[];
  readonly #timing: ReceiverTiming;
  readonly #quietCheck: ReturnType<typeof setInterval>;
  readonly #speaker = new ActiveSpeaker();
  readonly #onSpeaker: (relayId: number | undefined) => void;
  #speakerShown: number | undefined;
  #playAt = 0;

  /** `onSpeaker`: who is speaking changed (a sender's relay id, or undefined for nobody). */
  constructor(
    meeting: Meeting,
    audio: AudioContext,
    onStreams: (streams: readonly RemoteStream[]) => void,
    onSpeaker: (relayId: number | undefined) => void = () => {},
    timing: ReceiverTiming = defaultTiming,
  ) {
    this.#meeting = meeting;
    this.#audio = audio;
    this.#onStreams = onStreams;
    this.#onSpeaker = onSpeaker;
    this.#timing = timing;
    this.#offs = [
      meeting.on('frame', (frame) => this.#onFrame(frame)),
      meeting.on('media-state', (change) => this.#onMediaState(change)),
    ];
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
      this.#speaker.forget(stream.sender.relayId);
      if (stream.decoder.state !== 'closed') stream.decoder.close();
      this.#streams.delete(id);
      changed = true;
    }
    if (changed) this.#onStreams(this.streams);
  }

  /**
   * Marks streams that stopped arriving. Only for a sender that never announced is a quiet screen
   * share taken as ended and dropped; one announced on keeps its tile, marked as not arriving.
   */
  #checkQuiet(): void {
    const now = this.#timing.now();
    let changed = false;
    for (const stream of this.#streams.values()) {
      if (!stream.live || now - stream.lastFrameAt < this.#timing.quietAfterMs) continue;
      changed = true;
      if (stream.kind === 'screen' && stream.announced === undefined) {
        this.#drop(stream);
        continue;
      }
      stream.live = false;
      // A frozen last picture would read as "still here": the tile goes blank instead.
      blank(stream.canvas);
    }
    if (changed) this.#onStreams(this.streams);
    this.#tellSpeaker(now);
  }

  #tellSpeaker(now: number): void {
    const speaker = this.#speaker.speaker(now);
    if (speaker === this.#speakerShown) return;
    this.#speakerShown = speaker;
    this.#onSpeaker(speaker);
  }

  /** A sender said what it has on: a camera turned off goes blank, an ended share goes away. */
  #onMediaState(change: MediaStateChange): void {
    let changed = false;
    for (const stream of this.#streams.values()) {
      if (stream.sender.participantId !== change.participantId) continue;
      const announced = onOf(change.state, stream.kind);
      if (announced === stream.announced) continue;
      changed = true;
      stream.announced = announced;
      if (announced) continue;
      if (stream.kind === 'screen') this.#drop(stream);
      else if (stream.kind === 'camera') blank(stream.canvas);
    }
    if (changed) this.#onStreams(this.streams);
  }

  /** What `sender` announced for `kind`, as the SDK last heard it. */
  #announcedOf(sender: SenderInfo, kind: MediaKind): boolean | undefined {
    const id = sender.participantId;
    const state = id === undefined ? undefined : this.#meeting.mediaStateOf(id)?.state;
    return state === undefined ? undefined : onOf(state, kind);
  }

  #drop(stream: StreamState): void {
    if (stream.decoder.state !== 'closed') stream.decoder.close();
    this.#streams.delete(stream.streamId);
  }

  close(): void {
    clearInterval(this.#quietCheck);
    for (const off of this.#offs) off();
    for (const stream of this.#streams.values()) {
      if (stream.decoder.state !== 'closed') stream.decoder.close();
    }
    this.#streams.clear();
  }

  #onFrame(frame: ReceivedFrame): void {
    let stream = this.#streams.get(frame.streamId);
    if (stream === undefined) {
      // A share announced over gets no tile back from frames still in flight.
      if (frame.mediaKind === 'screen' && this.#announcedOf(frame.sender, 'screen') === false)
        return;
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
    stream.announced ??= this.#announcedOf(frame.sender, stream.kind);
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
      announced: this.#announcedOf(frame.sender, frame.mediaKind),
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
          this.#play(data, state.sender.relayId);
        },
        error: () => this.#recover(state),
      });
      decoder.configure({ codec: 'opus', sampleRate: 48_000, numberOfChannels: 1 });
      state.decoder = decoder;
    } else {
      const decoder = new VideoDecoder({
        output: (video) => {
          state.decoded++;
          // Frames still in flight after "camera off" must not bring the picture back.
          if (state.announced !== false) draw(state.canvas, video);
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

  #play(data: AudioData, relayId: number): void {
    try {
      const buffer = this.#audio.createBuffer(1, data.numberOfFrames, data.sampleRate);
      const samples = new Float32Array(data.numberOfFrames);
      data.copyTo(samples, { planeIndex: 0, format: 'f32-planar' });
      this.#speaker.heard(relayId, levelOf(samples), this.#timing.now());
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

function onOf(state: MediaStateChange['state'], kind: MediaKind): boolean {
  return kind === 'audio' ? state.microphone : kind === 'camera' ? state.camera : state.screen;
}

function blank(canvas: HTMLCanvasElement | null): void {
  canvas?.getContext('2d')?.clearRect(0, 0, canvas.width, canvas.height);
}

function draw(canvas: HTMLCanvasElement | null, video: VideoFrame): void {
  if (canvas === null) return;
  if (canvas.width !== video.displayWidth || canvas.height !== video.displayHeight) {
    canvas.width = video.displayWidth;
    canvas.height = video.displayHeight;
  }
  canvas.getContext('2d')?.drawImage(video, 0, 0);
}
