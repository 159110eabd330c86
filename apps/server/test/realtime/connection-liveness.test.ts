// A signaling connection's time-outs on a fake clock: pings while the socket is heard from, a
// socket silent past the liveness timeout is cut, and no hello in time closes it. Nothing waits.
import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import { describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context.ts';
import { serveSocket, signalingCloseCodes } from '../../src/realtime/connection.ts';
import { resolveRealtimeOptions } from '../../src/realtime/options.ts';
import type { Rooms } from '../../src/realtime/rooms.ts';
import { Lobby } from '../../src/realtime/lobby.ts';
import { Sockets } from '../../src/realtime/sockets.ts';
import { FakeClock } from './support/fake-clock.ts';

/** The part of a `ws` socket a connection uses, recording what the server did with it. */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  binaryType = 'arraybuffer';
  pings = 0;
  terminated = false;
  closedWith: number | undefined;
  readonly sent: unknown[] = [];

  ping(): void {
    this.pings++;
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(code: number): void {
    this.closedWith = code;
    this.readyState = 3;
  }
  terminate(): void {
    this.terminated = true;
    this.readyState = 3;
  }
}

const LIVENESS_MS = 1_000;
/** The connection checks a quarter of the liveness timeout apart. */
const CHECK_MS = LIVENESS_MS / 4;

function open(
  options: { helloTimeoutMs: number },
  sessions: { find: () => Promise<undefined> } = { find: () => Promise.resolve(undefined) },
): { socket: FakeSocket; clock: FakeClock } {
  const socket = new FakeSocket();
  const clock = new FakeClock();
  const errors: string[] = [];
  // Nothing here reaches a room; a hello reaches only the session lookup.
  const ctx = {
    log: { error: (message: string) => errors.push(message) },
    store: { sessions },
    now: () => 0,
  } as unknown as AppContext;
  serveSocket(
    socket as unknown as WebSocket,
    undefined,
    {
      ctx,
      rooms: {} as Rooms,
      sockets: new Sockets(),
      lobby: new Lobby(),
      options: resolveRealtimeOptions({ livenessTimeoutMs: LIVENESS_MS, ...options }),
    },
    clock,
  );
  return { socket, clock };
}

describe('signaling connection time-outs (fake clock)', () => {
  it('pings a socket while it is heard from and cuts it once silent past the liveness timeout', () => {
    const { socket, clock } = open({ helloTimeoutMs: 60_000 });

    clock.advance(CHECK_MS);
    expect(socket.pings).toBe(1);

    // A pong just before the timeout counts as a sign of life: the clock starts again from it.
    clock.advance(LIVENESS_MS - 2 * CHECK_MS);
    socket.emit('pong');
    clock.advance(LIVENESS_MS);
    expect(socket.terminated).toBe(false);
    expect(socket.pings).toBe(7);

    // Silent for longer than the timeout: the next check cuts it, and its timers stop.
    clock.advance(CHECK_MS);
    expect(socket.terminated).toBe(true);
    expect(socket.pings).toBe(7);
    expect(clock.pending).toBe(0);
    clock.advance(10 * LIVENESS_MS);
    expect(socket.pings).toBe(7);
  });

  it("does not count the server's own stall as the socket's silence", () => {
    const { socket, clock } = open({ helloTimeoutMs: 60_000 });
    clock.advance(CHECK_MS);
    socket.emit('pong');
    // The node stalls for longer than the timeout (its checks and the socket's pong wait): the
    // check that comes late must not cut a socket only the stall kept quiet.
    clock.stall(2 * LIVENESS_MS);
    clock.advance(0);
    expect(socket.terminated).toBe(false);
    socket.emit('pong');
    clock.advance(LIVENESS_MS);
    expect(socket.terminated).toBe(false);
    // Silent for real afterwards: cut as ever.
    clock.advance(LIVENESS_MS);
    expect(socket.terminated).toBe(true);
  });

  it('closes a socket that sends no hello in time, with the timed-out code', () => {
    const { socket, clock } = open({ helloTimeoutMs: 5 * CHECK_MS });
    // Kept alive by pongs meanwhile, so it is the hello time-out that closes it.
    for (let i = 0; i < 4; i++) {
      clock.advance(CHECK_MS);
      socket.emit('pong');
    }
    expect(socket.closedWith).toBeUndefined();
    clock.advance(CHECK_MS);
    expect(socket.closedWith).toBe(signalingCloseCodes.timedOut);
    expect(socket.sent).toContainEqual(expect.objectContaining({ code: 'hello_required' }));
    expect(clock.pending).toBe(0);
  });

  it('does not time out a client whose hello came while the server checks its session', async () => {
    let answer: (found: undefined) => void = () => undefined;
    const slowLookup = new Promise<undefined>((resolve) => (answer = resolve));
    const { socket, clock } = open({ helloTimeoutMs: 5 * CHECK_MS }, { find: () => slowLookup });
    const hello = {
      type: 'hello',
      token: 'a'.repeat(43),
      deviceId: 'd-1',
      client: { platform: 'linux', version: '1', e2eeMedia: true },
    };
    socket.emit('message', Buffer.from(JSON.stringify(hello)), false);
    await new Promise((resolve) => setImmediate(resolve));
    for (let i = 0; i < 8; i++) {
      clock.advance(CHECK_MS);
      socket.emit('pong');
    }
    expect(socket.closedWith).toBeUndefined();
    expect(socket.sent).toEqual([]);
    // The lookup answers at last: no such session, which closes it as unauthenticated.
    answer(undefined);
    await new Promise((resolve) => setImmediate(resolve));
    expect(socket.closedWith).toBe(signalingCloseCodes.unauthenticated);
  });
});
