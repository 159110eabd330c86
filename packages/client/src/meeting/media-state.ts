// Who has their microphone, camera and screen share on and their hand raised, as each participant
// says it (rather than as silence suggests: a stalled network is not a mute). This participant's own state, merged from
// partial updates, and the last state each other connected participant announced.
import { ClientError } from '../errors.ts';
import { claimedSender, type AppPayload, type SenderLookups } from './app-payload.ts';
import type { MediaState, MediaStateChange } from './types.ts';

/** What a participant that never said otherwise has on: nothing. */
export const NOTHING_ON: MediaState = { microphone: false, camera: false, screen: false };

const fields = ['microphone', 'camera', 'screen', 'hand'] as const;

/** `change` applied to `current`. Throws `invalid_argument` for a field that is not a boolean. */
export function mergeMediaState(current: MediaState, change: Partial<MediaState>): MediaState {
  if (typeof change !== 'object' || change === null) throw new ClientError('invalid_argument');
  const next = { ...current };
  for (const field of fields) {
    const value: unknown = change[field];
    if (value === undefined) continue;
    if (typeof value !== 'boolean') throw new ClientError('invalid_argument');
    next[field] = value;
  }
  return next;
}

export function sameMediaState(a: MediaState, b: MediaState): boolean {
  return fields.every((field) => (a[field] ?? false) === (b[field] ?? false));
}

/** The last announced state of each other participant still connected. */
export class MediaStates {
  readonly #byParticipant = new Map<string, MediaStateChange>();

  get(participantId: string): MediaStateChange | undefined {
    return this.#byParticipant.get(participantId);
  }

  /** Records an announcement; returns it when it is news (first, or different from the last). */
  record(change: MediaStateChange): MediaStateChange | undefined {
    const known = this.#byParticipant.get(change.participantId);
    if (known !== undefined && sameMediaState(known.state, change.state)) return undefined;
    this.#byParticipant.set(change.participantId, change);
    return change;
  }

  forget(participantId: string): void {
    this.#byParticipant.delete(participantId);
  }

  keepOnly(participantIds: ReadonlySet<string>): void {
    for (const id of this.#byParticipant.keys())
      if (!participantIds.has(id)) this.#byParticipant.delete(id);
  }
}

/** An E2EE announcement, or undefined when its claimed sender does not check out. */
export function readE2eeMediaState(
  payload: Extract<AppPayload, { kind: 'media' }>,
  from: string,
  lookups: SenderLookups & { readonly now: () => number },
): MediaStateChange | undefined {
  const sender = claimedSender(payload.leafIndex, from, lookups);
  if (sender === undefined) return undefined;
  return { participantId: from, userId: sender.userId, state: payload.state, at: lookups.now() };
}
