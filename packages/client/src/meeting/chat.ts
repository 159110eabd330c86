// Chat as the application sees it: from an MLS application message in E2EE meetings (payload and
// sender check in ./app-payload.ts), from the server's `chat` in standard ones.
import type { ServerMessage } from '../wire.ts';
import {
  claimedSender,
  decodeAppPayload,
  encodeAppPayload,
  type AppPayload,
  type SenderLookups,
} from './app-payload.ts';
import type { ChatMessage } from './types.ts';

export { MAX_CHAT_LENGTH } from './app-payload.ts';

export interface ChatPayload {
  readonly text: string;
  readonly leafIndex: number;
}

export function encodeChat(payload: ChatPayload): Uint8Array {
  return encodeAppPayload({ kind: 'chat', ...payload });
}

/** Chat only: a media state or an unreadable payload is undefined. */
export function decodeChat(bytes: Uint8Array): ChatPayload | undefined {
  const payload = decodeAppPayload(bytes);
  return payload?.kind === 'chat'
    ? { text: payload.text, leafIndex: payload.leafIndex }
    : undefined;
}

export interface ChatLookups extends SenderLookups {
  readonly displayName: (userId: string) => string | undefined;
  readonly now: () => number;
}

/**
 * Who sent an E2EE application message (chat, a reaction), named as the application shows them;
 * undefined when the claimed leaf must not be believed (see `claimedSender`).
 */
export function e2eeSender(
  leafIndex: number,
  from: string,
  lookups: ChatLookups,
): { participantId: string; userId: string; displayName: string | undefined } | undefined {
  const sender = claimedSender(leafIndex, from, lookups);
  if (sender === undefined) return undefined;
  return {
    participantId: from,
    userId: sender.userId,
    displayName: lookups.displayName(sender.userId) ?? sender.participant?.displayName,
  };
}

/**
 * An E2EE chat message as received, or undefined when it must not be shown: from this member's
 * own leaf, or claiming a leaf whose user is not the one the server relayed it from.
 */
export function readE2eeChat(
  payload: Extract<AppPayload, { kind: 'chat' }>,
  from: string,
  lookups: ChatLookups,
): ChatMessage | undefined {
  const sender = e2eeSender(payload.leafIndex, from, lookups);
  if (sender === undefined) return undefined;
  return {
    from: { ...sender, leafIndex: payload.leafIndex },
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
