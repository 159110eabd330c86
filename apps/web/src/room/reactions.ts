// Reactions as the room shows them: each name the protocol allows drawn as an emoji with words a
// screen reader says, and the feed of reactions on screen — each shown for a few seconds over its
// sender's tile, then gone (a reaction is a moment, not a state; a raised hand stays until lowered).
import type { ReactionName } from '@conclave/client';

export const REACTION_LOOKS: Readonly<Record<ReactionName, { emoji: string; words: string }>> = {
  'thumbs-up': { emoji: '👍', words: 'thumbs up' },
  heart: { emoji: '❤️', words: 'heart' },
  laugh: { emoji: '😂', words: 'laughter' },
  applause: { emoji: '👏', words: 'applause' },
  celebrate: { emoji: '🎉', words: 'celebration' },
  surprised: { emoji: '😮', words: 'surprise' },
};

/** How long a reaction stays on screen. */
export const REACTION_SHOWN_MS = 5_000;

export interface ShownReaction {
  readonly id: number;
  /** The sender's participant id; undefined for this browser's own. */
  readonly participantId: string | undefined;
  readonly name: string;
  readonly reaction: ReactionName;
}

/** "Bob reacted with applause", "You reacted with a heart" — what the live region says. */
export function reactionSentence(shown: ShownReaction): string {
  return `${shown.name} reacted with ${REACTION_LOOKS[shown.reaction].words}`;
}

export class ReactionFeed {
  #shown: readonly ShownReaction[] = [];
  #ids = 0;
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(private readonly changed: (shown: readonly ShownReaction[]) => void) {}

  add(participantId: string | undefined, name: string, reaction: ReactionName): void {
    const shown: ShownReaction = { id: ++this.#ids, participantId, name, reaction };
    this.#set([...this.#shown, shown]);
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#set(this.#shown.filter((s) => s !== shown));
    }, REACTION_SHOWN_MS);
    this.#timers.add(timer);
  }

  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  #set(next: readonly ShownReaction[]): void {
    this.#shown = next;
    this.changed(next);
  }
}
