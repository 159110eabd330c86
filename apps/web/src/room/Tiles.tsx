// The video stage: this browser's own camera, then one tile per remote video stream (drawn by the
// receiver on a canvas) with the sender's name, then a tile for each person heard or announced
// but not seen. Each tile says how many frames it decoded, and a person's microphone is a line
// under their tile, so "is anything arriving?" has an answer. "Muted" and "Camera off" are what
// the person announced (stage.ts); a stream that stops arriving says so instead.
import type { MediaState, RosterMember } from '@conclave/client';
import { useEffect, useRef } from 'react';
import type { Receiver, RemoteStream } from './receiver.ts';
import { initialsOf, stageOf, type AudioStatus, type VideoTile } from './stage.ts';

/** Who is there when there is no picture: their initials, and why ("Camera off"). */
function NoPicture({ name, words }: { name: string; words: string }) {
  return (
    <div className="room-tile-off">
      <span className="room-tile-initials" aria-hidden="true">
        {initialsOf(name)}
      </span>
      <p>{words}</p>
    </div>
  );
}

function LocalTile({ stream, cameraOn }: { stream: MediaStream | null; cameraOn: boolean }) {
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (video.current) video.current.srcObject = stream;
  }, [stream]);
  return (
    <figure className="room-tile room-tile-own">
      <video ref={video} autoPlay muted playsInline aria-label="Your camera" />
      {cameraOn ? null : <p className="room-tile-off">Camera off</p>}
      <figcaption>You</figcaption>
    </figure>
  );
}

/** The line under a tile about someone's microphone. */
function AudioLine({ audio, userId }: { audio: AudioStatus; userId: string | undefined }) {
  return (
    <span
      className="room-audio"
      data-decoded={audio.decoded}
      data-live={audio.live}
      data-source={audio.source}
      data-user-id={userId}
    >
      {' '}
      · {audio.words}
    </span>
  );
}

const announcedOf = (stream: RemoteStream) =>
  stream.announced === undefined ? 'unknown' : stream.announced ? 'on' : 'off';

function RemoteTile({ tile, receiver }: { tile: VideoTile; receiver: Receiver }) {
  const { stream } = tile;
  return (
    <figure
      className={stream.kind === 'screen' ? 'room-tile room-tile-screen' : 'room-tile'}
      data-user-id={stream.sender.userId}
      data-kind={stream.kind}
      data-live={stream.live}
      data-announced={announcedOf(stream)}
    >
      <canvas
        ref={(canvas) => receiver.attach(stream.streamId, canvas)}
        aria-label={`Video of ${tile.name}`}
        data-decoded={stream.decoded}
      />
      {tile.overlay === null ? null : <NoPicture name={tile.name} words={tile.overlay} />}
      <figcaption>
        {tile.name}
        {tile.audio ? <AudioLine audio={tile.audio} userId={stream.sender.userId} /> : null}
      </figcaption>
    </figure>
  );
}

export function Tiles({
  streams,
  roster,
  media,
  receiver,
  local,
  cameraOn,
}: {
  streams: readonly RemoteStream[];
  roster: readonly RosterMember[];
  media: ReadonlyMap<string, MediaState>;
  receiver: Receiver | undefined;
  local: MediaStream | null;
  cameraOn: boolean;
}) {
  const { videos, voices } = stageOf(streams, roster, media);
  return (
    <div className="room-stage">
      <LocalTile stream={local} cameraOn={cameraOn} />
      {receiver
        ? videos.map((tile) => (
            <RemoteTile key={tile.stream.streamId} tile={tile} receiver={receiver} />
          ))
        : null}
      {voices.map((voice) => (
        <figure
          key={voice.key}
          className="room-tile room-tile-audio"
          data-user-id={voice.userId}
          data-kind="voice"
        >
          <NoPicture name={voice.name} words={voice.overlay} />
          <figcaption>
            {voice.name}
            {voice.audio ? <AudioLine audio={voice.audio} userId={voice.userId} /> : null}
          </figcaption>
        </figure>
      ))}
    </div>
  );
}
