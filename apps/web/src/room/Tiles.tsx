// The video stage: this browser's own camera, then one tile per remote video stream (drawn by the
// receiver on a canvas) with the sender's name. Each tile says how many frames it decoded, and a
// sender's audio is shown as a line under their tile, so "is anything arriving?" has an answer.
// A stream that stopped (receiver.ts: quiet for a while) reads as "Camera off" or "muted".
import { useEffect, useRef } from 'react';
import type { Receiver, RemoteStream } from './receiver.ts';

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
function AudioLine({ audio }: { audio: RemoteStream }) {
  const state = !audio.live ? 'muted' : audio.decoded > 0 ? 'audio arriving' : 'audio waiting';
  return (
    <span
      className="room-audio"
      data-decoded={audio.decoded}
      data-live={audio.live}
      data-user-id={audio.sender.userId}
    >
      {' '}
      · {state}
    </span>
  );
}

function RemoteTile({
  stream,
  audio,
  receiver,
}: {
  stream: RemoteStream;
  audio: RemoteStream | undefined;
  receiver: Receiver;
}) {
  const name = stream.sender.displayName ?? 'Someone';
  const label = stream.kind === 'screen' ? `${name}'s screen` : name;
  return (
    <figure
      className={stream.kind === 'screen' ? 'room-tile room-tile-screen' : 'room-tile'}
      data-user-id={stream.sender.userId}
      data-kind={stream.kind}
      data-live={stream.live}
    >
      <canvas
        ref={(canvas) => receiver.attach(stream.streamId, canvas)}
        aria-label={`Video of ${label}`}
        data-decoded={stream.decoded}
      />
      {stream.live ? null : <p className="room-tile-off">Camera off</p>}
      <figcaption>
        {label}
        {audio ? <AudioLine audio={audio} /> : null}
      </figcaption>
    </figure>
  );
}

export function Tiles({
  streams,
  receiver,
  local,
  cameraOn,
}: {
  streams: readonly RemoteStream[];
  receiver: Receiver | undefined;
  local: MediaStream | null;
  cameraOn: boolean;
}) {
  const videos = streams.filter((s) => s.kind !== 'audio');
  const audioOf = (relayId: number) =>
    streams.find((s) => s.kind === 'audio' && s.sender.relayId === relayId);
  // Someone heard but not seen (camera never started) still gets a line.
  const audioOnly = streams.filter(
    (s) => s.kind === 'audio' && !videos.some((v) => v.sender.relayId === s.sender.relayId),
  );
  return (
    <div className="room-stage">
      <LocalTile stream={local} cameraOn={cameraOn} />
      {receiver
        ? videos.map((stream) => (
            <RemoteTile
              key={stream.streamId}
              stream={stream}
              audio={stream.kind === 'camera' ? audioOf(stream.sender.relayId) : undefined}
              receiver={receiver}
            />
          ))
        : null}
      {audioOnly.map((stream) => (
        <figure key={stream.streamId} className="room-tile room-tile-audio">
          <p className="room-tile-off">No video</p>
          <figcaption>
            {stream.sender.displayName ?? 'Someone'}
            <AudioLine audio={stream} />
          </figcaption>
        </figure>
      ))}
    </div>
  );
}
