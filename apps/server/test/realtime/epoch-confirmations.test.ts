import { describe, expect, it } from 'vitest';
import { EpochConfirmations } from '../../src/realtime/mls/epoch-confirmations.ts';
import type { Member } from '../../src/realtime/mls/group.ts';
import type { ServerMessage } from '../../src/realtime/signaling.ts';

const member = (participantId: string, leafIndex: number): Member => ({
  participantId,
  userId: `u-${participantId}`,
  deviceId: `d-${participantId}`,
  leafIndex,
  confirmed: true,
  grace: undefined,
});

function confirmations(ids: string[], onConfirmed?: () => void) {
  const members = new Map(ids.map((id, i) => [id, member(id, i)]));
  const connected = new Set(ids);
  const sent: [string, ServerMessage][] = [];
  const host = {
    isConnected: (id: string) => connected.has(id),
    sendEach: (ids: Iterable<string>, message: ServerMessage) => {
      for (const id of ids) sent.push([id, message]);
    },
  };
  const c = new EpochConfirmations('m-1', host, members, onConfirmed);
  return { c, members, connected, sent };
}

describe('epoch confirmations: senders may use an epoch once every member has it', () => {
  it('says epoch-confirmed once, to every connected member, when the last one reached it', () => {
    const { c, sent } = confirmations(['a', 'b', 'c']);
    c.reached('a', 4n, 4n);
    c.reached('b', 4n, 4n);
    expect(sent).toEqual([]);
    c.reached('c', 4n, 4n);
    expect(sent.map(([to]) => to)).toEqual(['a', 'b', 'c']);
    expect(sent[0]![1]).toEqual({ type: 'epoch-confirmed', meetingId: 'm-1', epoch: '4' });
    c.reached('c', 4n, 4n);
    c.check(4n);
    expect(sent).toHaveLength(3);
  });

  it('believes no claim past the group’s epoch, and an older epoch reached does not count', () => {
    const { c, sent } = confirmations(['a', 'b']);
    c.reached('a', 9n, 5n); // a member lying about the future
    c.reached('b', 5n, 5n);
    expect(sent).toEqual([]);
    c.reached('a', 4n, 5n);
    expect(sent).toEqual([]);
    c.reached('a', 5n, 5n);
    expect(sent).toHaveLength(2);
  });

  it('does not wait for a member who is disconnected or gone, and tells only the connected', () => {
    const { c, members, connected, sent } = confirmations(['a', 'b', 'c']);
    c.reached('a', 2n, 2n);
    c.reached('b', 2n, 2n);
    connected.delete('c'); // its socket dropped: it is in its grace time
    c.check(2n);
    expect(sent.map(([to]) => to)).toEqual(['a', 'b']);
    members.delete('c');
    c.reached('a', 3n, 3n);
    c.reached('b', 3n, 3n);
    expect(sent.map(([to, m]) => `${to}:${m.type === 'epoch-confirmed' ? m.epoch : ''}`)).toEqual([
      'a:2',
      'b:2',
      'a:3',
      'b:3',
    ]);
  });

  it('tells the service once when an epoch is confirmed, and answers whether it is', () => {
    let told = 0;
    const { c } = confirmations(['a', 'b'], () => told++);
    c.reached('a', 6n, 6n);
    expect(c.isConfirmed(6n)).toBe(false);
    c.reached('b', 6n, 6n);
    expect(c.isConfirmed(6n)).toBe(true);
    expect(told).toBe(1);
    c.check(6n);
    expect(told).toBe(1);
    // The next epoch is not confirmed by the last one.
    expect(c.isConfirmed(7n)).toBe(false);
    expect(c.isConfirmed(undefined)).toBe(false);
  });

  it('ranks committer candidates by whether each reached the current epoch', () => {
    const { c, members, connected } = confirmations(['a', 'b', 'c', 'd']);
    members.get('d')!.confirmed = false; // never said an epoch
    c.reached('a', 2n, 3n); // behind: still processing epoch 3's commit
    c.reached('b', 3n, 3n);
    connected.delete('c');
    const group = {
      staying: (isConnected: (m: Member) => boolean) => [...members.values()].filter(isConnected),
    };
    expect(c.candidates(group, 3n)).toEqual([
      { participantId: 'a', leafIndex: 0, confirmed: true, atCurrentEpoch: false },
      { participantId: 'b', leafIndex: 1, confirmed: true, atCurrentEpoch: true },
      { participantId: 'd', leafIndex: 3, confirmed: false, atCurrentEpoch: false },
    ]);
    expect(c.hasReached('b', 3n)).toBe(true);
    expect(c.hasReached('b', 4n)).toBe(false);
  });
});
