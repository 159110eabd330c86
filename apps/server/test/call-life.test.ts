// The call state machine (apps/server/src/calls/call-life.ts), pure: who may do what, in which
// state, and that a call still ringing past its deadline reads as missed without any timer.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RING_MS,
  isOver,
  lifeAt,
  missIfUnanswered,
  ringingLife,
  stepCall,
  type CallLife,
  type CallStep,
} from '../src/calls/call-life.ts';

const placed = 1_000_000;
const ringing = ringingLife(placed, DEFAULT_RING_MS);
const moved = (step: CallStep): CallLife => {
  if (step.kind !== 'moved') throw new Error(`refused: ${step.message}`);
  return step.life;
};

describe('a call rings, then is answered or not', () => {
  it('rings for 45 s by default', () => {
    expect(ringing).toEqual({
      state: 'ringing',
      ringDeadline: placed + 45_000,
      answeredAt: null,
      endedAt: null,
    });
  });

  it('is accepted or declined by the callee only', () => {
    const accepted = moved(stepCall(ringing, 'callee', 'accept', placed + 5_000));
    expect(accepted).toMatchObject({
      state: 'accepted',
      answeredAt: placed + 5_000,
      endedAt: null,
    });
    expect(moved(stepCall(ringing, 'callee', 'decline', placed + 1))).toMatchObject({
      state: 'declined',
      endedAt: placed + 1,
    });
    for (const action of ['accept', 'decline'] as const) {
      expect(stepCall(ringing, 'caller', action, placed + 1)).toMatchObject({
        kind: 'refused',
        reason: 'wrong-side',
      });
    }
  });

  it('is cancelled by the caller only', () => {
    expect(moved(stepCall(ringing, 'caller', 'cancel', placed + 2))).toMatchObject({
      state: 'cancelled',
      endedAt: placed + 2,
    });
    expect(stepCall(ringing, 'callee', 'cancel', placed + 2)).toMatchObject({
      kind: 'refused',
      reason: 'wrong-side',
    });
  });

  it('is ended by either side once accepted; hanging up while ringing cancels or declines', () => {
    const accepted = moved(stepCall(ringing, 'callee', 'accept', placed + 1));
    for (const side of ['caller', 'callee'] as const) {
      expect(moved(stepCall(accepted, side, 'end', placed + 60_000))).toMatchObject({
        state: 'ended',
        answeredAt: placed + 1,
        endedAt: placed + 60_000,
      });
    }
    expect(moved(stepCall(ringing, 'caller', 'end', placed + 3)).state).toBe('cancelled');
    expect(moved(stepCall(ringing, 'callee', 'end', placed + 3)).state).toBe('declined');
  });

  it('reads as missed once past its deadline, so it cannot be accepted then', () => {
    expect(lifeAt(ringing, placed + 44_999).state).toBe('ringing');
    expect(lifeAt(ringing, placed + 45_000)).toMatchObject({
      state: 'missed',
      endedAt: placed + 45_000,
    });
    const late = stepCall(ringing, 'callee', 'accept', placed + 50_000);
    expect(late).toMatchObject({ kind: 'refused', reason: 'wrong-state' });
    expect(late.kind === 'refused' && late.message).toBe(
      'The call was missed; it cannot be accepted now.',
    );
  });

  it('is marked missed by the server timer only when still ringing at the deadline', () => {
    expect(missIfUnanswered(ringing, placed + 10).kind).toBe('refused');
    expect(moved(missIfUnanswered(ringing, placed + 45_000)).state).toBe('missed');
    const accepted = moved(stepCall(ringing, 'callee', 'accept', placed + 1));
    expect(missIfUnanswered(accepted, placed + 90_000).kind).toBe('refused');
  });

  it('refuses every action on a call that is over', () => {
    const overs = [
      moved(stepCall(ringing, 'callee', 'decline', placed + 1)),
      moved(stepCall(ringing, 'caller', 'cancel', placed + 1)),
      moved(missIfUnanswered(ringing, placed + 45_000)),
      moved(
        stepCall(moved(stepCall(ringing, 'callee', 'accept', placed)), 'caller', 'end', placed),
      ),
    ];
    for (const over of overs) {
      expect(isOver(over.state)).toBe(true);
      for (const [side, action] of [
        ['callee', 'accept'],
        ['callee', 'decline'],
        ['caller', 'cancel'],
        ['caller', 'end'],
        ['callee', 'end'],
      ] as const) {
        expect(stepCall(over, side, action, placed + 100)).toMatchObject({
          kind: 'refused',
          reason: 'wrong-state',
        });
      }
    }
    expect(isOver('ringing')).toBe(false);
    expect(isOver('accepted')).toBe(false);
  });
});
