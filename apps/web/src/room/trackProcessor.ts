// MediaStreamTrackProcessor (Chromium) is not in TypeScript's DOM library yet: the part used here.
interface TrackProcessor<T> {
  readonly readable: ReadableStream<T>;
}

type TrackProcessorConstructor = new (init: {
  track: MediaStreamTrack;
}) => TrackProcessor<VideoFrame | AudioData>;

declare global {
  var MediaStreamTrackProcessor: TrackProcessorConstructor | undefined;
}

/** Raw frames of `track`, one at a time; each must be closed by whoever reads it. */
export function framesOf<T extends VideoFrame | AudioData>(
  track: MediaStreamTrack,
): ReadableStream<T> {
  const Processor = globalThis.MediaStreamTrackProcessor;
  if (Processor === undefined) throw new Error('this browser cannot read camera frames');
  return new Processor({ track }).readable as ReadableStream<T>;
}
