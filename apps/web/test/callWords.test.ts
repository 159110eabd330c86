// How a call reads from each side, in the history and on the call's page.
import { describe, expect, it } from 'vitest';
import { callDuration, historyLine, statusLine } from '../src/calls/callWords.ts';

const bob = { id: 'b', displayName: 'Bob' };

describe('call words', () => {
  it('tell incoming, outgoing and missed calls apart in the history', () => {
    expect(historyLine({ direction: 'outgoing', state: 'declined', other: bob })).toBe(
      'You called Bob — declined',
    );
    expect(historyLine({ direction: 'outgoing', state: 'missed', other: bob })).toBe(
      'You called Bob — not answered',
    );
    expect(historyLine({ direction: 'incoming', state: 'missed', other: bob })).toBe(
      'Missed call from Bob',
    );
    expect(historyLine({ direction: 'incoming', state: 'ended', other: bob })).toBe(
      'Bob called you — answered',
    );
  });

  it('say on the caller’s page that it rings, was declined or was missed', () => {
    expect(statusLine({ direction: 'outgoing', state: 'ringing', other: bob })).toBe(
      'Ringing… waiting for Bob to answer.',
    );
    expect(statusLine({ direction: 'outgoing', state: 'declined', other: bob })).toBe(
      'Declined: Bob declined the call.',
    );
    expect(statusLine({ direction: 'outgoing', state: 'missed', other: bob })).toBe(
      'Missed: Bob did not answer.',
    );
  });

  it('give an answered call’s length, and none for one never answered', () => {
    expect(
      callDuration({ answeredAt: '2030-01-01T09:00:00.000Z', endedAt: '2030-01-01T09:04:12.000Z' }),
    ).toBe('4 min 12 s');
    expect(callDuration({ answeredAt: null, endedAt: '2030-01-01T09:00:45.000Z' })).toBe(undefined);
  });
});
