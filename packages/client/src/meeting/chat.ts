// The E2EE chat payload inside an MLS application message. The sender's leaf index travels with
// the text: the library does not report which leaf sent an application message, so the receiver
// checks this claim against the participant the server says relayed it (a member cannot pass its
// words off as another user's while the server is honest; the server itself cannot forge them).
import type { RosterEntry } from '@conclave/crypto/member';
import { utf8Decoder, utf8Encoder } from '../bytes.ts';
import type { ServerMessage } from '../wire.ts';
import type { Participant } from './participants.ts';
import type { ChatMessage } from './types.ts';

export interface ChatPayload {
  readonly text: string;
  readonly leafIndex: number;
}

export const MAX_CHAT_LENGTH = 4000;

export function encodeChat(payload: ChatPayload): Uint8Array {
  return utf8Encoder.encode(JSON.stringify({ v: 1, text: payload.text, leaf: payload.leafIndex }));
}

export function decodeChat(bytes: Uint8Array): ChatPayload | undefined {
  try {
    const value = JSON.parse(utf8Decoder.decode(bytes)) as Record<string, unknown>;
    if (value.v !== 1 || typeof value.text !== 'string' || value.text.length > MAX_CHAT_LENGTH)
      return undefined;
    if (!Number.isInteger(value.leaf) || (value.leaf as number) < 0) return undefined;
    return { text: value.text, leafIndex: value.leaf as number };
  } catch {
    return undefined;
  }
}

export interface ChatLookups {
  /** The MLS roster entry at a leaf. */
  readonly member: (leafIndex: number) => RosterEntry | undefined;
  readonly participant: (participantId: string) => Participant | undefined;
  readonly displayName: (userId: string) => string | undefined;
  readonly now: () => number;
}

/**
 * An E2EE chat message as received, or undefined when it must not be shown: unreadable, from
 * this member's own leaf, or claiming a leaf whose user is not the one the server relayed it from.
 */
export function readE2eeChat(
  data: Uint8Array,
  from: string,
  lookups: ChatLookups,
): ChatMessage | undefined {
  const payload = decodeChat(data);
  if (payload === undefined) return undefined;
  const member = lookups.member(payload.leafIndex);
  const userId = member?.identity?.userId;
  const participant = lookups.participant(from);
  if (member === undefined || userId === undefined || member.self) return undefined;
  if (participant !== undefined && participant.userId !== userId) return undefined;
  return {
    from: {
      participantId: from,
      userId,
      displayName: lookups.displayName(userId) ?? participant?.displayName,
      leafIndex: payload.leafIndex,
    },
    text: payload.text,
    e2ee: true,
    receivedAt: lookups.now(),
  };
}

/** Chat of a standard meeting, as the server relayed it. */
export function readStandardChat(
  message: Extract<ServerMessage, { type: 'chat' }>,
  lookups: Pick<ChatLookups, 'participant' | 'now'>,
): ChatMessage {
  return {
    from: {
      participantId: message.from,
      userId: lookups.participant(message.from)?.userId,
      displayName: message.displayName,
      leafIndex: undefined,
    },
    text: message.text,
    e2ee: false,
    receivedAt: lookups.now(),
  };
}
