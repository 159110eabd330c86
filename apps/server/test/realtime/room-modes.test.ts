// Each room mode alone, against a fake room: what the standard mode does with its media key, chat
// and media states, which messages each mode refuses as not its own, and how the E2EE mode treats
// a user's dropped devices when the organizer removes them.
import { describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context.ts';
import type { Peer } from '../../src/realtime/peer.ts';
import { E2eeMode } from '../../src/realtime/room-modes/e2ee-mode.ts';
import type { ModeMessage, RoomModeDeps, RoomSide } from '../../src/realtime/room-modes/index.ts';
import { StandardMode } from '../../src/realtime/room-modes/standard-mode.ts';
import type { ServerMessage } from '../../src/realtime/signaling.ts';

const meetingId = 'm1';
const NOW = Date.UTC(2026, 0, 2, 3, 4, 5);

/** A room with `size` participants that records what the mode sends and queues. */
function fakeRoom(endToEndEncryption: boolean) {
  const sent: { to: string; message: ServerMessage }[] = [];
  const queued: (() => Promise<void> | void)[] = [];
  const room = {
    size: 2,
    target: { tenantId: 't1', meetingId, kind: 'meeting', endToEndEncryption },
    peerOf: () => undefined,
    send: (to: string, message: ServerMessage) => sent.push({ to, message }),
    broadcast: (message: ServerMessage, except?: string) =>
      sent.push({ to: except === undefined ? '*' : `* but ${except}`, message }),
    enqueue: (task: () => Promise<void> | void) => queued.push(task),
    retried: (_what: string, task: () => Promise<void>) => queued.push(task),
    detach: () => undefined,
    turnAway: () => undefined,
    reannounce: () => undefined,
  };
  return { room, side: room as unknown as RoomSide, sent, queued };
}

const peer = { identity: { user: { displayName: 'Dave' } } } as unknown as Peer;
const mlsMessages: ModeMessage[] = [
  { type: 'group-created', meetingId, groupId: 'AAAA' },
  { type: 'commit', meetingId, epoch: '1', commit: 'AAAA' },
  { type: 'epoch-reached', meetingId, epoch: '1' },
  { type: 'proposal-rejected', meetingId, proposalId: 'p1', reason: 'no' },
  { type: 'commit-failed', meetingId, epoch: '1', reason: 'no' },
  { type: 'app-message', meetingId, epoch: '1', message: 'AAAA' },
];
const state = { microphone: true, camera: false, screen: false };

describe('standard mode', () => {
  it('answers every MLS message with not_allowed, sending nothing', async () => {
    const { side, sent } = fakeRoom(false);
    const mode = new StandardMode(side, () => NOW);
    for (const message of mlsMessages)
      expect(await mode.handle(peer, 'p1', message)).toBe('not_allowed');
    expect(sent).toEqual([]);
  });

  it('relays chat to everyone with the sender’s name and the app clock’s time', async () => {
    const { side, sent } = fakeRoom(false);
    const mode = new StandardMode(side, () => NOW);
    expect(await mode.handle(peer, 'p1', { type: 'chat', meetingId, text: 'hi' })).toBeUndefined();
    expect(sent).toEqual([
      {
        to: '*',
        message: {
          type: 'chat',
          meetingId,
          from: 'p1',
          displayName: 'Dave',
          text: 'hi',
          at: new Date(NOW).toISOString(),
        },
      },
    ]);
  });

  it('hands the last media states to a newcomer and a fresh key to everyone on each change', async () => {
    const { room, side, sent } = fakeRoom(false);
    const mode = new StandardMode(side, () => NOW);
    await mode.handle(peer, 'p1', { type: 'media-state', meetingId, state });
    expect(sent.splice(0)).toEqual([
      { to: '* but p1', message: { type: 'media-state', meetingId, from: 'p1', state } },
    ]);

    mode.attached('p2');
    const [toNewcomer, key1] = sent.splice(0);
    expect(toNewcomer).toEqual({
      to: 'p2',
      message: { type: 'media-state', meetingId, from: 'p1', state },
    });
    expect(key1).toMatchObject({ to: '*', message: { type: 'media-key', epoch: '1' } });

    // p1 leaves: its state is forgotten, and the key moves on without it.
    mode.detached('p1', 'u1', 'left');
    const [key2] = sent.splice(0);
    expect(key2).toMatchObject({ to: '*', message: { type: 'media-key', epoch: '2' } });
    expect(key2?.message).not.toEqual(key1?.message);
    mode.attached('p3');
    expect(sent.splice(0).map((s) => s.message.type)).toEqual(['media-key']);

    // Nobody left to hand a key to: none goes out.
    room.size = 0;
    mode.detached('p3', 'u3', 'left');
    expect(sent).toEqual([]);
  });
});

describe('E2EE mode', () => {
  const deps = { ctx: { now: () => NOW } as unknown as AppContext } as unknown as RoomModeDeps;

  it('answers chat and media-state with not_allowed', async () => {
    const { side, sent } = fakeRoom(true);
    const mode = new E2eeMode(side, deps);
    expect(await mode.handle(peer, 'p1', { type: 'chat', meetingId, text: 'hi' })).toBe(
      'not_allowed',
    );
    expect(await mode.handle(peer, 'p1', { type: 'media-state', meetingId, state })).toBe(
      'not_allowed',
    );
    expect(sent).toEqual([]);
  });

  it('proposes the Remove of a removed user’s dropped devices, not of those who came back or left', () => {
    const { side, queued } = fakeRoom(true);
    const mode = new E2eeMode(side, deps);
    mode.detached('dropped', 'u1', 'disconnected');
    mode.detached('back', 'u1', 'disconnected');
    mode.attached('back');
    mode.detached('left', 'u1', 'left');
    mode.detached('other-user', 'u2', 'disconnected');
    mode.userRemoved('u1');
    expect(queued).toHaveLength(1);
    // Once handled, a second removal finds nothing more to do.
    mode.userRemoved('u1');
    expect(queued).toHaveLength(1);
  });
});
