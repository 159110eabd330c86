// The video stage: this browser's own camera, then one tile per remote video stream (drawn by the
// receiver on a canvas) with the sender's name, then a tile for each person heard or announced
// but not seen. Each tile says how many frames it decoded, and a person's microphone is a line
// under their tile, so "is anything arriving?" has an answer. "Muted" and "Camera off" are what
// the person announced (stage.ts); a stream that stops arriving says so instead. A raised hand
// and reactions show on the person's tile; the latest reaction is also said in a live region.
import type { MediaState, RosterMember } from '@conclave/client';
import { useEffect, useRef } from 'react';
import { REACTION_LOOKS, reactionSentence, type ShownReaction } from './reactions.ts';
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

/** A raised hand and the reactions on screen, over a tile. */
function TileBadges({ hand, reactions }: { hand: boolean; reactions: readonly ShownReaction[] }) {
  return (
    <>
      {hand ? (
        <span className="room-tile-hand" role="img" aria-label="Hand raised">
          ✋
        </span>
      ) : null}
      {reactions.length > 0 ? (
        <span className="room-tile-reactions" aria-hidden="true">
          {reactions.map((r) => (
            <span key={r.id} data-reaction={r.reaction}>
              {REACTION_LOOKS[r.reaction].emoji}
            </span>
          ))}
        </span>
      ) : null}
    </>
  );
}

function LocalTile({
  stream,
  cameraOn,
  hand,
  reactions,
}: {
  stream: MediaStream | null;
  cameraOn: boolean;
  hand: boolean;
  reactions: readonly ShownReaction[];
}) {
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (video.current) video.current.srcObject = stream;
  }, [stream]);
  return (
    <figure className="room-tile room-tile-own">
      <video ref={video} autoPlay muted playsInline aria-label="Your camera" />
      {cameraOn ? null : <p className="room-tile-off">Camera off</p>}
      <TileBadges hand={hand} reactions={reactions} />
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

function RemoteTile({
  tile,
  receiver,
  reactions,
}: {
  tile: VideoTile;
  receiver: Receiver;
  reactions: readonly ShownReaction[];
}) {
  const { stream } = tile;
  return (
    <figure
      className={tileClass(stream.kind === 'screen' ? 'room-tile-screen' : '', tile.speaking)}
      data-speaking={tile.speaking}
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
      <TileBadges hand={tile.hand} reactions={stream.kind === 'camera' ? reactions : []} />
      <figcaption>
        {tile.name}
        {tile.speaking ? <span className="visually-hidden"> (speaking)</span> : null}
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
  handRaised,
  reactions,
  speaker,
}: {
  speaker: number | undefined;
  streams: readonly RemoteStream[];
  roster: readonly RosterMember[];
  media: ReadonlyMap<string, MediaState>;
  receiver: Receiver | undefined;
  local: MediaStream | null;
  cameraOn: boolean;
  handRaised: boolean;
  reactions: readonly ShownReaction[];
}) {
  const { screens, cameras, voices } = stageOf(streams, roster, media, speaker);
  const of = (participantId: string | undefined) =>
    reactions.filter((r) => r.participantId === participantId);
  const latest = reactions.at(-1);
  const people = (
    <>
      <LocalTile stream={local} cameraOn={cameraOn} hand={handRaised} reactions={of(undefined)} />
      {receiver
        ? cameras.map((tile) => (
            <RemoteTile
              key={tile.stream.streamId}
              tile={tile}
              receiver={receiver}
              reactions={tile.participantId === undefined ? [] : of(tile.participantId)}
            />
          ))
        : null}
      {voices.map((voice) => (
        <figure
          key={voice.key}
          className={tileClass('room-tile-audio', voice.speaking)}
          data-speaking={voice.speaking}
          data-user-id={voice.userId}
          data-kind="voice"
        >
          <NoPicture name={voice.name} words={voice.overlay} />
          <TileBadges
            hand={voice.hand}
            reactions={voice.participantId === undefined ? [] : of(voice.participantId)}
          />
          <figcaption>
            {voice.name}
            {voice.speaking ? <span className="visually-hidden"> (speaking)</span> : null}
            {voice.audio ? <AudioLine audio={voice.audio} userId={voice.userId} /> : null}
          </figcaption>
        </figure>
      ))}
    </>
  );
  const announcement = (
    <p className="visually-hidden" role="status" aria-live="polite">
      {latest === undefined ? '' : reactionSentence(latest)}
    </p>
  );
  // A shared screen is what everyone looks at: it takes the stage, the people go to a strip.
  if (receiver && screens.length > 0) {
    return (
      <div className="room-stage room-stage-presenting" data-layout="presenting">
        {announcement}
        <div className="room-stage-screen" role="region" aria-label="Shared screen">
          {screens.map((tile) => (
            <RemoteTile key={tile.stream.streamId} tile={tile} receiver={receiver} reactions={[]} />
          ))}
        </div>
        <div className="room-strip" role="region" aria-label="People">
          {people}
        </div>
      </div>
    );
  }
  return (
    <div className="room-stage" data-layout="grid">
      {announcement}
      {people}
    </div>
  );
}

function tileClass(kind: string, speaking: boolean): string {
  return ['room-tile', kind, speaking ? 'room-tile-speaking' : ''].filter(Boolean).join(' ');
}
