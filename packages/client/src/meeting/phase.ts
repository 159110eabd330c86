// A meeting's life as one tagged value: what only an admitted meeting has (its mode, its place in
// the relay, its media session) lives inside the variants that have it, so nothing can reach it
// before the server said `joined`.
import type { MediaSession } from '../media/media-session.ts';
import type { MeetingMode } from './mode.ts';
import type { MeetingPhase, RemovedReason } from './types.ts';

/** What the server's `joined` gave this client, kept (read only) once the meeting is over. */
export interface Admission {
  readonly mode: MeetingMode;
  participantId: string;
  /** Undefined while out of the relay: the connection dropped, or the MLS group was lost. */
  relayId: number | undefined;
  readonly media: MediaSession;
}

export type Phase =
  | { readonly kind: 'new' }
  /** Connecting, and until the first epoch (E2EE) or media key (standard); `joined` admits. */
  | { readonly kind: 'joining'; readonly admission: Admission | undefined }
  | { readonly kind: 'joined'; readonly admission: Admission }
  | { readonly kind: 'reconnecting'; readonly admission: Admission }
  | { readonly kind: 'left'; readonly admission: Admission | undefined }
  | {
      readonly kind: 'removed';
      readonly reason: RemovedReason;
      readonly admission: Admission | undefined;
    }
  | { readonly kind: 'closed'; readonly admission: Admission | undefined };

export type OverPhase = Extract<Phase, { kind: 'left' | 'removed' | 'closed' }>;
export type LivePhase = Extract<Phase, { kind: 'joining' | 'joined' | 'reconnecting' }>;

/** The public name of a phase (what `Meeting.phase` has always returned). */
export function publicPhase(phase: Phase): MeetingPhase {
  return phase.kind;
}

/** Left, removed or closed: nothing is sent or handled any more. */
export function isOver(phase: Phase): phase is OverPhase {
  switch (phase.kind) {
    case 'left':
    case 'removed':
    case 'closed':
      return true;
    case 'new':
    case 'joining':
    case 'joined':
    case 'reconnecting':
      return false;
  }
}

/** Joining, joined or reconnecting: inbound messages and frames are handled. */
export function isLive(phase: Phase): phase is LivePhase {
  return phase.kind === 'joining' || phase.kind === 'joined' || phase.kind === 'reconnecting';
}

/** The admission, if the server admitted this client at some point (also once it is over). */
export function admissionOf(phase: Phase): Admission | undefined {
  return phase.kind === 'new' ? undefined : phase.admission;
}
