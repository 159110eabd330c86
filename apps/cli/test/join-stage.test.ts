// Where a join that never finished stopped, as the load report names it (issue 11's tracing).
import { describe, expect, it } from 'vitest';
import { countByStage, joinStage } from '../src/headless/join-stage.ts';

const waiting = { joined: false, phase: 'joining' as const, e2ee: true };

describe('joinStage', () => {
  it('names each step a join can stop at', () => {
    expect(joinStage({ joined: true })).toBe('joined');
    expect(joinStage({ joined: false, error: 'the meeting is full' })).toBe('refused');
    expect(joinStage({ ...waiting, phase: 'closed' })).toBe('ended');
    expect(joinStage({ ...waiting, phase: 'reconnecting' })).toBe('reconnecting');
    expect(joinStage({ ...waiting, lobby: ['AWAITING_ADMISSION'] })).toBe('in-lobby');
    expect(joinStage(waiting)).toBe('no-answer');
    expect(joinStage({ ...waiting, participantId: 'p1' })).toBe('awaiting-welcome');
    expect(joinStage({ ...waiting, participantId: 'p1', epoch: '3' })).toBe('awaiting-keys');
    expect(joinStage({ ...waiting, e2ee: false, participantId: 'p1' })).toBe('awaiting-keys');
  });

  it('counts the joins left out by stage', () => {
    const counts = countByStage([
      { stage: 'no-answer' },
      { stage: 'awaiting-welcome' },
      { stage: 'no-answer' },
    ]);
    expect([...counts]).toEqual([
      ['no-answer', 2],
      ['awaiting-welcome', 1],
    ]);
  });
});
