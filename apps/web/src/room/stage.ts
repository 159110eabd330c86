// What the stage says about each remote person, from two sources kept apart: what they announced
// (microphone, camera, screen on or off, a raised hand: `media-state`) and what actually arrives (the receiver's
// streams). "Muted" and "Camera off" are only ever said because the person said so; a stream that
// stops arriving reads as not arriving, whoever sent it. Pure, so the words are testable.
import type { MediaState, RosterMember } from '@conclave/client';
import type { RemoteStream } from './receiver.ts';

export type AudioWords = 'muted' | 'audio arriving' | 'audio waiting' | 'no audio arriving';

export interface AudioStatus {
  readonly words: AudioWords;
  /** `announced`: the person said whether the microphone is on; `frames`: an older client's. */
  readonly source: 'announced' | 'frames';
  readonly decoded: number;
  readonly live: boolean;
}

export interface VideoTile {
  readonly stream: RemoteStream;
  readonly name: string;
  /** Over the picture: `Camera off` (announced), or that nothing arrives; null while it shows. */
  readonly overlay: string | null;
  /** Camera tiles only: the line about the same person's microphone. */
  readonly audio: AudioStatus | undefined;
  /** Whose tile it is, once matched to a participant (reactions are shown on it). */
  readonly participantId: string | undefined;
  /** Camera tiles only: the person has raised their hand. */
  readonly hand: boolean;
  /** Camera tiles only: the person is the one speaking now. */
  readonly speaking: boolean;
}

/** Someone with no camera tile: heard, or at least heard from (an announcement). */
export interface VoiceTile {
  readonly key: string;
  readonly name: string;
  readonly userId: string | undefined;
  readonly overlay: 'Camera off' | 'No video';
  readonly audio: AudioStatus | undefined;
  readonly participantId: string | undefined;
  readonly hand: boolean;
  readonly speaking: boolean;
}

export interface Stage {
  /** Shared screens: the main stage whenever there is one. */
  readonly screens: readonly VideoTile[];
  /** Camera tiles: the grid, or the strip beside a shared screen. */
  readonly cameras: readonly VideoTile[];
  readonly voices: readonly VoiceTile[];
}

export function audioStatus(
  announced: boolean | undefined,
  audio: RemoteStream | undefined,
): AudioStatus | undefined {
  const source = announced === undefined ? 'frames' : 'announced';
  const decoded = audio?.decoded ?? 0;
  const live = audio?.live ?? false;
  if (announced === false) return { words: 'muted', source, decoded, live };
  if (audio === undefined)
    return announced === undefined ? undefined : { words: 'audio waiting', source, decoded, live };
  if (!audio.live) return { words: 'no audio arriving', source, decoded, live };
  return { words: decoded > 0 ? 'audio arriving' : 'audio waiting', source, decoded, live };
}

export function videoOverlay(stream: RemoteStream): string | null {
  if (stream.announced === false) return 'Camera off';
  if (!stream.live) return stream.kind === 'screen' ? 'Screen not arriving' : 'No video arriving';
  return null;
}

/**
 * The remote tiles: one per video stream (camera tiles carry the microphone line), then one per
 * person without a camera stream who is heard or announced something. `speaker`: the relay id of
 * whoever is speaking now, whose camera or voice tile is highlighted.
 */
export function stageOf(
  streams: readonly RemoteStream[],
  roster: readonly RosterMember[],
  media: ReadonlyMap<string, MediaState>,
  speaker?: number,
): Stage {
  const others = roster.filter((member) => !member.self);
  const participantOf = (stream: RemoteStream) =>
    stream.sender.participantId ??
    others.find((m) => m.relayId !== undefined && m.relayId === stream.sender.relayId)
      ?.participantId;
  const announced = (participantId: string | undefined) =>
    participantId === undefined ? undefined : media.get(participantId);
  const audioStreams = streams.filter((s) => s.kind === 'audio');
  const audioOf = (relayId: number) => audioStreams.find((s) => s.sender.relayId === relayId);
  const cameras = streams.filter((s) => s.kind === 'camera');

  const videos = streams
    .filter((s) => s.kind !== 'audio')
    .map((stream): VideoTile => {
      // The roster's label tells namesakes apart; the sender's name is for the not-yet-matched.
      const member = others.find(
        (m) => m.relayId !== undefined && m.relayId === stream.sender.relayId,
      );
      const name = member?.label ?? stream.sender.displayName ?? 'Someone';
      const participantId = participantOf(stream);
      return {
        stream,
        participantId,
        hand: stream.kind === 'camera' && announced(participantId)?.hand === true,
        speaking: stream.kind === 'camera' && stream.sender.relayId === speaker,
        name: stream.kind === 'screen' ? `${name}'s screen` : name,
        overlay: videoOverlay(stream),
        audio:
          stream.kind === 'camera'
            ? audioStatus(
                announced(participantOf(stream))?.microphone,
                audioOf(stream.sender.relayId),
              )
            : undefined,
      };
    });

  const voices: VoiceTile[] = [];
  const covered = new Set(cameras.map((s) => s.sender.relayId));
  for (const member of others) {
    if (member.relayId !== undefined && covered.has(member.relayId)) continue;
    if (
      member.participantId !== undefined &&
      cameras.some((s) => participantOf(s) === member.participantId)
    )
      continue;
    const state = announced(member.participantId);
    const audio = member.relayId === undefined ? undefined : audioOf(member.relayId);
    if (state === undefined && audio === undefined) continue;
    if (member.relayId !== undefined) covered.add(member.relayId);
    voices.push({
      key: member.participantId ?? `leaf-${member.leafIndex}`,
      name:
        member.displayName === undefined ? (audio?.sender.displayName ?? 'Someone') : member.label,
      userId: member.userId ?? undefined,
      overlay: state?.camera === false ? 'Camera off' : 'No video',
      audio: audioStatus(state?.microphone, audio),
      participantId: member.participantId,
      hand: state?.hand === true,
      speaking: member.relayId !== undefined && member.relayId === speaker,
    });
  }
  // Heard, but not matched to anyone on the list (yet).
  for (const audio of audioStreams) {
    if (covered.has(audio.sender.relayId)) continue;
    voices.push({
      key: `stream-${audio.streamId}`,
      name: audio.sender.displayName ?? 'Someone',
      userId: audio.sender.userId,
      overlay: 'No video',
      audio: audioStatus(announced(participantOf(audio))?.microphone, audio),
      participantId: participantOf(audio),
      hand: false,
      speaking: audio.sender.relayId === speaker,
    });
  }
  return {
    screens: videos.filter((tile) => tile.stream.kind === 'screen'),
    cameras: videos.filter((tile) => tile.stream.kind !== 'screen'),
    voices,
  };
}

/** The letters on a tile without a picture: "Bob Basic" → "BB", "Zoë" → "Z", "" → "?". */
export function initialsOf(name: string): string {
  const words = name
    .replace(/\(.*\)/gu, '')
    .trim()
    .split(/\s+/u)
    .filter(Boolean);
  const letters = words
    .slice(0, 2)
    .map((word) => [...word][0] ?? '')
    .join('');
  return letters === '' ? '?' : letters.toLocaleUpperCase();
}
