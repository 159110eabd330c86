// The life of a 1:1 call as a value (governance §6 decides only its encryption): ringing until the
// callee accepts or declines, the caller cancels, or the ring deadline passes (missed); an accepted
// call is ended by either side. Pure: the time is passed in, nothing is stored or sent here.
//
// "Missed" is decided twice over, on purpose: a server timer makes it a stored transition and
// tells both sides (./call-events.ts), and `lifeAt` reads any call still `ringing` past its deadline
// as missed — so a call whose timer died with its server never rings for ever.
import type { CallAction, CallState } from '@conclave/protocol';

export interface CallLife {
  readonly state: CallState;
  /** When a call still ringing counts as missed (ms). */
  readonly ringDeadline: number;
  readonly answeredAt: number | null;
  readonly endedAt: number | null;
}

/** Which side of the call asks. The server itself only ever marks a call missed. */
export type CallSide = 'caller' | 'callee';

export type CallStep =
  | { readonly kind: 'moved'; readonly life: CallLife }
  | {
      readonly kind: 'refused';
      /** `wrong-side`: the other side's to do (403); `wrong-state`: not now (409). */
      readonly reason: 'wrong-side' | 'wrong-state';
      /** A sentence for the person who asked; names nobody. */
      readonly message: string;
    };

/** Rings for 45 s, then is missed (the server's option `callRingMs` changes it, for tests). */
export const DEFAULT_RING_MS = 45_000;

export function ringingLife(placedAt: number, ringMs: number): CallLife {
  return { state: 'ringing', ringDeadline: placedAt + ringMs, answeredAt: null, endedAt: null };
}

/** The call as it stands at `now`: still `ringing` past its deadline reads as `missed` then. */
export function lifeAt(life: CallLife, now: number): CallLife {
  if (life.state !== 'ringing' || now < life.ringDeadline) return life;
  return { ...life, state: 'missed', endedAt: life.ringDeadline };
}

/** Over: nothing more can happen to it. */
export function isOver(state: CallState): boolean {
  return state !== 'ringing' && state !== 'accepted';
}

/** Who may do what: only the callee answers, only the caller cancels, either side ends. */
const sideOf: Record<CallAction, CallSide | 'either'> = {
  accept: 'callee',
  decline: 'callee',
  cancel: 'caller',
  end: 'either',
};

const wasWords: Record<CallState, string> = {
  ringing: 'is still ringing',
  accepted: 'was answered already',
  declined: 'was declined',
  missed: 'was missed',
  cancelled: 'was cancelled',
  ended: 'has ended',
};

/** `side` asks for `action` at `now`. */
export function stepCall(
  life: CallLife,
  side: CallSide,
  action: CallAction,
  now: number,
): CallStep {
  const allowed = sideOf[action];
  if (allowed !== 'either' && allowed !== side) {
    return {
      kind: 'refused',
      reason: 'wrong-side',
      message:
        allowed === 'callee'
          ? `Only the person called can ${action} a call.`
          : 'Only the caller can cancel a call; decline it instead.',
    };
  }
  const current = lifeAt(life, now);
  const refuse = (): CallStep => ({
    kind: 'refused',
    reason: 'wrong-state',
    message: `The call ${wasWords[current.state]}; it cannot be ${pastOf[action]} now.`,
  });
  switch (action) {
    case 'accept':
      return current.state === 'ringing'
        ? { kind: 'moved', life: { ...current, state: 'accepted', answeredAt: now } }
        : refuse();
    case 'decline':
      return current.state === 'ringing'
        ? { kind: 'moved', life: { ...current, state: 'declined', endedAt: now } }
        : refuse();
    case 'cancel':
      return current.state === 'ringing'
        ? { kind: 'moved', life: { ...current, state: 'cancelled', endedAt: now } }
        : refuse();
    case 'end':
      // Hanging up before an answer is the caller cancelling, or the callee declining.
      if (current.state === 'ringing')
        return stepCall(life, side, side === 'caller' ? 'cancel' : 'decline', now);
      return current.state === 'accepted'
        ? { kind: 'moved', life: { ...current, state: 'ended', endedAt: now } }
        : refuse();
  }
}

const pastOf: Record<CallAction, string> = {
  accept: 'accepted',
  decline: 'declined',
  cancel: 'cancelled',
  end: 'ended',
};

/** The server's timer: a call still ringing at its deadline is missed; anything else stays. */
export function missIfUnanswered(life: CallLife, now: number): CallStep {
  const current = lifeAt(life, now);
  return current.state === 'missed' && life.state === 'ringing'
    ? { kind: 'moved', life: current }
    : { kind: 'refused', reason: 'wrong-state', message: `The call ${wasWords[current.state]}.` };
}
