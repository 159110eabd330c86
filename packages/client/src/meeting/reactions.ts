// Reactions as the application sees them: from an MLS application message in E2EE meetings (the
// claimed leaf checked against the participant the server says relayed it, as for chat), from the
// server's `reaction` in standard ones. Unlike a raised hand (part of the media state, said again
// to later joiners) a reaction is a moment: it is not kept or repeated.
import type { ServerMessage } from '../wire.ts';
import type { AppPayload } from './app-payload.ts';
import { e2eeSender, type ChatLookups } from './chat.ts';
import type { Reaction } from './types.ts';

/** An E2EE reaction, or undefined when its claimed sender does not check out. */
export function readE2eeReaction(
  payload: Extract<AppPayload, { kind: 'reaction' }>,
  from: string,
  lookups: ChatLookups,
): Reaction | undefined {
  const sender = e2eeSender(payload.leafIndex, from, lookups);
  if (sender === undefined) return undefined;
  return {
    from: sender,
    reaction: payload.reaction,
    e2ee: true,
    receivedAt: lookups.now(),
  };
}

/** A standard meeting's reaction, as the server relayed it. */
export function readStandardReaction(
  message: Extract<ServerMessage, { type: 'reaction' }>,
  lookups: Pick<ChatLookups, 'participant' | 'now'>,
): Reaction {
  const participant = lookups.participant(message.from);
  return {
    from: {
      participantId: message.from,
      userId: participant?.userId,
      displayName: participant?.displayName,
    },
    reaction: message.reaction,
    e2ee: false,
    receivedAt: lookups.now(),
  };
}
