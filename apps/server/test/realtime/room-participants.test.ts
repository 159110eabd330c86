// A message for many participants (a broadcast, a proposal or commit for every member): sockets on
// this node get it one by one, sockets another node serves get it in ONE message to that node —
// in a 1,000-person meeting over three nodes, a broadcast is two cluster messages, not ~670.
import { describe, expect, it } from 'vitest';
import type { Peer, SharedRoute } from '../../src/realtime/peer.ts';
import { RoomParticipants } from '../../src/realtime/room-participants.ts';
import type { ServerMessage } from '../../src/realtime/signaling.ts';

const message: ServerMessage = { type: 'participant-left', meetingId: 'm-1', participantId: 'x' };

function recordingRoute(): SharedRoute & { calls: string[][] } {
  const calls: string[][] = [];
  return { calls, send: (_message, addresses) => void calls.push([...addresses]) };
}

function peer(got: string[], name: string, shared?: SharedRoute): Peer {
  return {
    identity: { device: { id: name } },
    send: () => void got.push(name),
    ...(shared === undefined ? {} : { route: { shared, address: `conn-${name}` } }),
  } as unknown as Peer;
}

describe('sending one message to many participants', () => {
  it('sends to local sockets one by one and to each other node once, with its sockets', () => {
    const local: string[] = [];
    const nodeB = recordingRoute();
    const nodeC = recordingRoute();
    const participants = new RoomParticipants();
    const add = (id: string, p: Peer) =>
      participants.add({
        participantId: id,
        peer: p,
        relayId: participants.allocateRelayId(),
        joinedAt: 0,
      });
    add('a1', peer(local, 'a1'));
    add('b1', peer([], 'b1', nodeB));
    add('a2', peer(local, 'a2'));
    add('b2', peer([], 'b2', nodeB));
    add('c1', peer([], 'c1', nodeC));
    add('b3', peer([], 'b3', nodeB));

    participants.broadcast(message, 'b2');
    expect(local).toEqual(['a1', 'a2']);
    expect(nodeB.calls).toEqual([['conn-b1', 'conn-b3']]);
    expect(nodeC.calls).toEqual([['conn-c1']]);

    // Only the ones named, and only those connected.
    participants.sendEach(['c1', 'a2', 'gone', 'b1'], message);
    expect(local).toEqual(['a1', 'a2', 'a2']);
    expect(nodeB.calls).toEqual([['conn-b1', 'conn-b3'], ['conn-b1']]);
    expect(nodeC.calls).toEqual([['conn-c1'], ['conn-c1']]);
  });
});

describe('a message for many local sockets', () => {
  it('is serialized once: every socket is handed the same JSON text', () => {
    const texts: Array<string | undefined> = [];
    const participants = new RoomParticipants();
    for (const name of ['a1', 'a2', 'a3'])
      participants.add({
        participantId: name,
        peer: {
          identity: { device: { id: name } },
          send: (_m: ServerMessage, text?: string) => void texts.push(text),
        } as unknown as Peer,
        relayId: participants.allocateRelayId(),
        joinedAt: 0,
      });
    participants.broadcast(message);
    expect(texts).toHaveLength(3);
    expect(new Set(texts).size).toBe(1);
    expect(JSON.parse(texts[0] ?? '')).toEqual(message);
  });
});
