// What an E2EE meeting's MLS application messages carry: a JSON object `{"v":1,…}` that is either
// chat `{"v":1,"text":…,"leaf":n}` (the first and still the only shape without a `kind`, so chat
// from older clients reads as before), a media state `{"v":1,"kind":"media","leaf":n,"mic":…,
// "cam":…,"screen":…}` (with `"hand"` once the participant has raised a hand), or a reaction
// `{"v":1,"kind":"reaction","leaf":n,"reaction":"applause"}`. Older clients drop the kinds they do
// not know, as this one does.
//
// The sender's leaf index travels inside: the library does not report which leaf sent an
// application message, so the receiver checks this claim against the participant the server says
// relayed it (a member cannot pass its words off as another user's while the server is honest;
// the server itself can neither forge nor read them).
import type { RosterEntry } from '@conclave/crypto/member';
import { utf8Decoder, utf8Encoder } from '../bytes.ts';
import type { Participant } from './participants.ts';
import { REACTIONS, type ReactionName } from '../wire.ts';
import type { MediaState } from './types.ts';

export const MAX_CHAT_LENGTH = 4000;

export type AppPayload =
  | { readonly kind: 'chat'; readonly text: string; readonly leafIndex: number }
  | { readonly kind: 'media'; readonly state: MediaState; readonly leafIndex: number }
  | { readonly kind: 'reaction'; readonly reaction: ReactionName; readonly leafIndex: number };

export function encodeAppPayload(payload: AppPayload): Uint8Array {
  return utf8Encoder.encode(JSON.stringify(bodyOf(payload)));
}

function bodyOf(payload: AppPayload): Record<string, unknown> {
  const leaf = payload.leafIndex;
  switch (payload.kind) {
    case 'chat':
      return { v: 1, text: payload.text, leaf };
    case 'reaction':
      return { v: 1, kind: 'reaction', leaf, reaction: payload.reaction };
    case 'media': {
      const { microphone, camera, screen, hand } = payload.state;
      return {
        v: 1,
        kind: 'media',
        leaf,
        mic: microphone,
        cam: camera,
        screen,
        ...(hand === undefined ? {} : { hand }),
      };
    }
  }
}

/** Undefined for anything unreadable, and for kinds this version does not know. */
export function decodeAppPayload(bytes: Uint8Array): AppPayload | undefined {
  let value: unknown;
  try {
    value = JSON.parse(utf8Decoder.decode(bytes));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (v.v !== 1 || !Number.isInteger(v.leaf) || (v.leaf as number) < 0) return undefined;
  const leafIndex = v.leaf as number;
  if (v.kind === undefined) {
    if (typeof v.text !== 'string' || v.text.length > MAX_CHAT_LENGTH) return undefined;
    return { kind: 'chat', text: v.text, leafIndex };
  }
  if (v.kind === 'media') {
    if (typeof v.mic !== 'boolean' || typeof v.cam !== 'boolean' || typeof v.screen !== 'boolean')
      return undefined;
    if (v.hand !== undefined && typeof v.hand !== 'boolean') return undefined;
    return {
      kind: 'media',
      state: {
        microphone: v.mic,
        camera: v.cam,
        screen: v.screen,
        ...(v.hand === undefined ? {} : { hand: v.hand }),
      },
      leafIndex,
    };
  }
  if (v.kind === 'reaction') {
    const reaction = REACTIONS.find((name) => name === v.reaction);
    return reaction === undefined ? undefined : { kind: 'reaction', reaction, leafIndex };
  }
  return undefined;
}

export interface SenderLookups {
  /** The MLS roster entry at a leaf. */
  readonly member: (leafIndex: number) => RosterEntry | undefined;
  readonly participant: (participantId: string) => Participant | undefined;
}

/**
 * The user behind a payload's claimed leaf, or undefined when it must not be believed: no member
 * there, this member's own leaf, or a member who is not the user (and, when the server names it,
 * the device) of the participant `from` that the server says relayed it.
 */
export function claimedSender(
  leafIndex: number,
  from: string,
  lookups: SenderLookups,
): { readonly userId: string; readonly participant: Participant | undefined } | undefined {
  const member = lookups.member(leafIndex);
  const identity = member?.identity;
  if (member === undefined || identity == null || member.self) return undefined;
  const participant = lookups.participant(from);
  if (participant !== undefined) {
    if (participant.userId !== identity.userId) return undefined;
    if (participant.deviceId !== undefined && participant.deviceId !== identity.deviceId)
      return undefined;
  }
  return { userId: identity.userId, participant };
}
