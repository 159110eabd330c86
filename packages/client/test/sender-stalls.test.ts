// A sender this receiver cannot hear is said after 2 s of unbroken refusals, once, and cleared
// when its frames decrypt again or its relay id changes hands.
import { describe, expect, it } from 'vitest';
import { SenderStalls, type StallChange } from '../src/media/sender-stalls.ts';
import { ManualClock } from './support/manual-clock.ts';

function stalls(holders: Map<number, string>) {
  const clock = new ManualClock();
  const changes: StallChange[] = [];
  const s = new SenderStalls(
    clock,
    (relay) => holders.get(relay),
    (c) => changes.push(c),
  );
  return { clock, changes, s };
}

describe('SenderStalls', () => {
  it('says a sender refused for 2 s while frames keep coming, once, and clears on a decrypt', async () => {
    const { clock, changes, s } = stalls(new Map([[3, 'p3']]));
    for (let i = 0; i < 20; i++) {
      s.dropped(3, 'sender_mismatch');
      await clock.advance(100);
    }
    expect(changes).toEqual([]);
    s.dropped(3, 'sender_mismatch');
    s.dropped(3, 'sender_mismatch');
    expect(changes).toEqual([
      {
        kind: 'stalled',
        stall: { relayId: 3, reason: 'sender_mismatch', since: clock.now() - 2_000, frames: 21 },
      },
    ]);
    expect(s.active()).toMatchObject([{ relayId: 3, frames: 22 }]);
    // Other drops neither start nor end a run.
    s.dropped(3, 'replay');
    s.dropped(undefined, 'malformed_envelope');
    expect(s.active()).toHaveLength(1);
    s.decrypted(3);
    expect(changes.at(-1)).toEqual({ kind: 'cleared', relayId: 3 });
    expect(s.active()).toEqual([]);
    s.decrypted(3);
    expect(changes).toHaveLength(2);
  });

  it('a short run is nothing, and a relay id that changes hands ends its run', async () => {
    const holders = new Map([[5, 'p5']]);
    const { clock, changes, s } = stalls(holders);
    s.dropped(5, 'unknown_sender');
    await clock.advance(1_000);
    s.decrypted(5);
    await clock.advance(1_500);
    s.dropped(5, 'unknown_sender');
    expect(changes).toEqual([]);
    await clock.advance(2_000);
    s.dropped(5, 'unknown_sender');
    expect(changes.map((c) => c.kind)).toEqual(['stalled']);
    s.participantsChanged();
    expect(changes).toHaveLength(1);
    holders.set(5, 'someone-else');
    s.participantsChanged();
    expect(changes.at(-1)).toEqual({ kind: 'cleared', relayId: 5 });
    expect(s.active()).toEqual([]);
  });
});
