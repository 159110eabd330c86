// One signaling socket (`GET /api/realtime`): `hello` first (token or session cookie, and one of
// the user's devices), then `join` and the meeting's messages. Every text frame is validated with
// the protocol schemas; a bad one gets a typed `error` and the socket stays up, until too many bad
// or too many messages close it. Binary frames are media for the relay. A socket silent for longer
// than the liveness timeout (no message, no pong to the server's WebSocket pings) is timed out:
// its participant is removed. A socket lives no longer than its session: checked on every `join`
// and periodically, and ended at once when the session is signed out here (./sockets.ts).
// Every time-out and the rate budget run on an injected clock, so tests drive them without waiting.
import type { RawData, WebSocket } from 'ws';
import type { ClusterNode } from '../cluster/index.ts';
import type { AppContext } from '../context.ts';
import { auditBlockedJoin, deniedByOrganizer, findTarget, type BlockReason } from './admission.ts';
import { authenticateSocket, sessionHolds } from './authenticate.ts';
import { parseEpoch, toBytes, toText } from './bytes.ts';
import {
  repeatEvery,
  systemClock,
  type Repeating,
  type ServerClock,
  type TimerHandle,
} from './clock.ts';
import type { Lobby } from './lobby.ts';
import type { ResolvedRealtimeOptions } from './options.ts';
import type { Membership, Peer } from './peer.ts';
import { sharedWebSocketSink } from './relay/index.ts';
import type { Rooms } from './rooms.ts';
import { SerialQueue } from './serial-queue.ts';
import { livenessCheckMs, Silence } from './silence.ts';
import type { LiveSocket, Sockets } from './sockets.ts';
import { keyPackageFor } from './room-types.ts';
import {
  parseClientMessage,
  type ClientMessage,
  type ClientMessageOf,
  type ServerMessage,
  type SignalingErrorCode,
} from './signaling.ts';

export interface ConnectionDeps {
  readonly ctx: AppContext;
  readonly rooms: Rooms;
  readonly sockets: Sockets;
  /** Joins waiting for their meeting to start, on this node. */
  readonly lobby: Lobby;
  readonly options: ResolvedRealtimeOptions;
  /** Set on a node of a cluster: a meeting hosted on another node is joined through it. */
  readonly cluster?: ClusterNode | undefined;
}

/** Close codes a client sees (4000-4999 are the application's range). */
export const signalingCloseCodes = {
  abuse: 4400,
  unauthenticated: 4401,
  /** The session ended while the socket was open (close reason `session_ended`): sign in again. */
  sessionEnded: 4401,
  unknownDevice: 4403,
  timedOut: 4408,
  serverClosing: 1001,
  /** The server is restarting (after a `server-restarting` message): reconnect soon. */
  serverRestarting: 1012,
} as const;

const OPEN = 1;
/** Large messages (commits with Welcomes) cost more of the rate budget: one token per 64 KiB. */
const BYTES_PER_TOKEN = 64 * 1024;

/**
 * Serves one signaling socket until it closes. `clock` runs its time-outs and rate budget: the
 * process clock (not the app context's, which tests may pin) unless a test passes its own.
 */
export function serveSocket(
  socket: WebSocket,
  cookieToken: string | undefined,
  deps: ConnectionDeps,
  clock: ServerClock = systemClock(),
): void {
  new Connection(socket, cookieToken, deps, clock).start();
}

class Connection {
  private peer: Peer | undefined;
  /** This socket in the server's index of signed-in sockets, from `ready` on. */
  private live: LiveSocket | undefined;
  private helloSeen = false;
  private closed = false;
  private readonly silence: Silence;
  private tokens: number;
  private lastRefill: number;
  private readonly badAt: number[] = [];
  private readonly queue: SerialQueue;
  private helloTimer: TimerHandle | undefined;
  private livenessTimer: Repeating | undefined;
  private sessionTimer: Repeating | undefined;
  private sessionEnded = false;
  /** The lobby codes this socket was last told (a repeated wait is not told again). */
  private toldLobby: string | undefined;

  constructor(
    private readonly socket: WebSocket,
    private readonly cookieToken: string | undefined,
    private readonly deps: ConnectionDeps,
    private readonly clock: ServerClock,
  ) {
    this.silence = new Silence(livenessCheckMs(deps.options), clock.now());
    this.lastRefill = clock.now();
    this.tokens = deps.options.messageBurst;
    this.queue = new SerialQueue(() => {
      deps.ctx.log.error('realtime message handling failed');
      this.send({
        type: 'error',
        code: 'internal',
        message: 'The server could not handle that message.',
      });
    });
  }

  start(): void {
    const { options } = this.deps;
    this.socket.binaryType = 'nodebuffer';
    this.socket.on('message', (data: RawData, isBinary: boolean) => this.onMessage(data, isBinary));
    // WebSocket-level pongs count as signs of life: browsers answer pings off the page's main
    // thread and `ws` answers while reading, so a client busy with MLS work (a large commit, a
    // backlog after a join storm) is not mistaken for a dead one and removed.
    this.socket.on('pong', () => this.silence.heard(this.clock.now()));
    this.socket.once('close', () => this.onClose());
    // 'close' follows every 'error'; without a listener an 'error' would crash the process.
    this.socket.on('error', () => undefined);
    // Only the client's hello is timed: checking its session is the server's own work, which may
    // be slow while the database is busy (a 1,000-person join storm) — not the client's fault.
    this.helloTimer = this.clock.setTimeout(() => {
      if (!this.helloSeen)
        this.shut(signalingCloseCodes.timedOut, 'hello_required', 'No hello in time.');
    }, options.helloTimeoutMs);
    const check = () => this.checkLiveness();
    this.livenessTimer = repeatEvery(this.clock, livenessCheckMs(options), check);
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.closed) return;
    this.silence.heard(this.clock.now());
    if (isBinary) {
      // Media: straight to the relay, synchronously, never behind signaling work.
      const membership = this.peer?.membership;
      if (membership === undefined) this.bad('not_joined', 'Media before joining a meeting.');
      else membership.relay.receive(toBytes(data));
      return;
    }
    const text = toText(data);
    if (!this.takeTokens(1 + Math.floor(text.length / BYTES_PER_TOKEN))) {
      this.bad('rate_limited', 'Too many messages; slow down.');
      return;
    }
    const parsed = parseClientMessage(text);
    if (parsed.kind === 'error') {
      this.bad(parsed.code, parsed.message);
      return;
    }
    const message = parsed.message;
    if (message.type === 'ping') {
      this.send({ type: 'pong', nonce: message.nonce });
      return;
    }
    // Leaving takes effect on arrival: media stops before anything queued ahead of it runs.
    const membership = this.peer?.membership;
    if (
      message.type === 'leave' &&
      this.peer !== undefined &&
      membership?.meetingId === message.meetingId
    ) {
      membership.room.leave(this.peer, 'left');
      return;
    }
    void this.queue.run(() => this.handle(message));
  }

  private async handle(message: Exclude<ClientMessage, { type: 'ping' }>): Promise<void> {
    if (this.closed) return;
    if (message.type === 'hello') return this.hello(message);
    const peer = this.peer;
    if (peer === undefined) {
      this.bad('hello_required', 'Send hello first and wait for ready.');
      return;
    }
    if (message.type === 'join') return this.join(peer, message);
    const membership = peer.membership;
    if (membership === undefined || membership.meetingId !== message.meetingId) {
      this.send({
        type: 'error',
        code: 'not_joined',
        message: 'This socket is not in that meeting.',
      });
      return;
    }
    await membership.room.handle(peer, message);
  }

  private async hello(message: ClientMessageOf<'hello'>): Promise<void> {
    if (this.helloSeen) {
      this.bad('bad_message', 'hello was already sent on this socket.');
      return;
    }
    this.helloSeen = true;
    const result = await authenticateSocket(
      this.deps.ctx,
      message.token ?? this.cookieToken,
      message.deviceId,
    );
    if (this.closed) return;
    switch (result.kind) {
      case 'unauthenticated':
        this.shut(
          signalingCloseCodes.unauthenticated,
          'unauthenticated',
          'Sign in first: no valid session.',
        );
        return;
      case 'unknown_device':
        this.shut(
          signalingCloseCodes.unknownDevice,
          'unknown_device',
          'deviceId is not one of your registered devices.',
        );
        return;
      case 'ok':
        break;
    }
    this.clock.clearTimeout(this.helloTimer);
    const socket = this.socket;
    this.peer = {
      identity: result.identity,
      client: message.client,
      relaySink: (notify) => sharedWebSocketSink(socket, notify),
      membership: undefined,
      joining: false,
      send: (out, text) => this.send(out, text),
    };
    this.live = {
      peer: this.peer,
      endSession: () => this.endSession(),
      serverRestarting: () => this.serverRestarting(),
      checkSession: () => this.checkSession(),
    };
    this.deps.sockets.add(this.live);
    const every = this.deps.options.sessionCheckIntervalMs;
    if (every > 0)
      this.sessionTimer = repeatEvery(this.clock, every, () => void this.checkSession());
    this.send({
      type: 'ready',
      userId: result.identity.user.id,
      deviceId: result.identity.device.id,
    });
  }

  /** `again`: the lobby makes this join again (the client did not send it). */
  private async join(peer: Peer, message: ClientMessageOf<'join'>, again = false): Promise<void> {
    if (peer.membership !== undefined || peer.joining) {
      this.send({
        type: 'error',
        code: 'already_joined',
        message: 'This socket is already in a meeting; leave it first.',
      });
      return;
    }
    const { ctx, rooms } = this.deps;
    if (this.refusedForShutdown()) return;
    if (!(await sessionHolds(ctx, peer.identity))) {
      this.endSession();
      return;
    }
    peer.joining = true;
    this.deps.lobby.leave(this);
    try {
      const lookup = await findTarget(ctx, peer.identity, message.meetingId);
      if (lookup.kind === 'waiting') {
        this.waitInLobby(peer, message, lookup.reasons, again);
        return;
      }
      if (lookup.kind === 'blocked') {
        for (const reason of lookup.reasons) ctx.metrics?.joinRefused(reason.code);
        this.send({ type: 'join-blocked', meetingId: message.meetingId, reasons: lookup.reasons });
        await auditBlockedJoin(
          ctx,
          peer.identity,
          message.meetingId,
          undefined,
          lookup.reasons,
          peer.client,
        );
        return;
      }
      const resumeEpoch =
        message.resumeEpoch === undefined ? undefined : parseEpoch(message.resumeEpoch);
      if (message.resumeEpoch !== undefined && resumeEpoch === undefined) {
        this.bad('bad_message', 'resumeEpoch is out of range.');
        return;
      }
      if (this.refusedForShutdown()) return;
      const joinHere = () =>
        rooms
          .open(lookup.target)
          .join(peer, { keyPackage: keyPackageFor(lookup.target, message), resumeEpoch });
      if (this.deps.cluster === undefined) await joinHere();
      else
        await this.deps.cluster.join(lookup.target, peer, message, joinHere, () =>
          this.serverRestarting(),
        );
    } finally {
      peer.joining = false;
    }
    // The socket may have gone while the join was decided (TS narrowed `membership` above).
    const joined = peer.membership as Membership | undefined;
    if (this.sessionEnded) joined?.room.remove(joined.participantId, 'signed-out');
    else if (this.closed) joined?.room.leave(peer, 'disconnected');
  }

  /**
   * The meeting has not started, or this person waits to be let in: the join waits here, and is
   * made again when the meeting changes (on any node: ./control.ts) through this socket's queue.
   */
  private waitInLobby(
    peer: Peer,
    message: ClientMessageOf<'join'>,
    reasons: readonly BlockReason[],
    again: boolean,
  ): void {
    if (this.closed) return;
    const { identity } = peer;
    this.deps.lobby.wait(
      identity.tenantId,
      message.meetingId,
      this,
      {
        userId: identity.user.id,
        displayName: identity.user.displayName,
        deviceId: identity.device.id,
        since: this.deps.ctx.now(),
        waitingFor: reasons.some((r) => r.code === 'AWAITING_ADMISSION') ? 'admission' : 'start',
      },
      {
        rejoin: () =>
          void this.queue.run(() => (this.closed ? undefined : this.join(peer, message, true))),
        turnAway: () =>
          this.send({
            type: 'join-blocked',
            meetingId: message.meetingId,
            reasons: [deniedByOrganizer],
          }),
      },
    );
    // Made again and still waiting for the same thing: the client was told already.
    const told = reasons.map((r) => r.code).join();
    if (!again || told !== this.toldLobby)
      this.send({ type: 'lobby', meetingId: message.meetingId, reasons: [...reasons] });
    this.toldLobby = told;
    // Changed between the lookup and now? The change may have been told before this join waited.
    void findTarget(this.deps.ctx, identity, message.meetingId)
      .then((again) => {
        if (again.kind !== 'waiting') this.deps.lobby.release(identity.tenantId, message.meetingId);
      })
      .catch(() => undefined); // the periodic look (./index.ts) lets them in
  }

  /**
   * The session behind this socket ended: its participant is removed (told `signed-out`, relay
   * stopped, MLS Remove proposed), then the socket is closed. Idempotent.
   */
  endSession(): void {
    if (this.closed || this.sessionEnded) return;
    this.sessionEnded = true;
    const membership = this.peer?.membership;
    membership?.room.remove(membership.participantId, 'signed-out');
    this.shut(
      signalingCloseCodes.sessionEnded,
      'session_ended',
      'Your session ended (signed out or expired): sign in again.',
      false,
      'session_ended',
    );
  }

  /** While the server shuts down a join is answered `server_restarting` (checked twice: the
   * lookup before the room is asynchronous). */
  private refusedForShutdown(): boolean {
    if (!this.deps.rooms.refusingJoins) return false;
    this.send({
      type: 'error',
      code: 'server_restarting',
      message: 'The server is restarting; join again in a moment.',
    });
    return true;
  }

  /**
   * The server shuts down: the client hears why before the socket closes, so it reconnects as
   * soon as the server is back. The room is closed already: leaving it here removes nobody.
   */
  serverRestarting(): void {
    if (this.closed) return;
    this.send({ type: 'server-restarting' });
    this.shut(
      signalingCloseCodes.serverRestarting,
      undefined,
      undefined,
      false,
      'server_restarting',
    );
  }

  private async checkSession(): Promise<void> {
    const peer = this.peer;
    if (this.closed || peer === undefined) return;
    try {
      if (!(await sessionHolds(this.deps.ctx, peer.identity))) this.endSession();
    } catch {
      // A database hiccup is not a signed-out session; the next check decides.
      this.deps.ctx.log.error('realtime: session check failed');
    }
  }

  private checkLiveness(): void {
    if (this.closed) return;
    if (this.silence.check(this.clock.now()) <= this.deps.options.livenessTimeoutMs) {
      if (this.socket.readyState === this.socket.OPEN) this.socket.ping();
      return;
    }
    const peer = this.peer;
    if (peer !== undefined) peer.membership?.room.leave(peer, 'timed-out');
    this.shut(signalingCloseCodes.timedOut, undefined, undefined, true);
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.clock.clearTimeout(this.helloTimer);
    this.livenessTimer?.stop();
    this.sessionTimer?.stop();
    if (this.live !== undefined) this.deps.sockets.delete(this.live);
    this.deps.lobby.leave(this);
    this.queue.close();
    const peer = this.peer;
    if (peer !== undefined) peer.membership?.room.leave(peer, 'disconnected');
  }

  /** A refused message: a typed error, and past the abuse limit the socket is closed. */
  private bad(code: SignalingErrorCode, message: string): void {
    const { maxBadMessages, abuseWindowMs } = this.deps.options;
    const now = this.clock.now();
    this.badAt.push(now);
    while ((this.badAt[0] ?? now) < now - abuseWindowMs) this.badAt.shift();
    if (this.badAt.length > maxBadMessages) {
      this.shut(signalingCloseCodes.abuse, 'rate_limited', 'Too many refused messages.');
      return;
    }
    this.send({ type: 'error', code, message });
  }

  private takeTokens(cost: number): boolean {
    const { messagesPerSecond, messageBurst } = this.deps.options;
    const now = this.clock.now();
    this.tokens = Math.min(
      messageBurst,
      this.tokens + ((now - this.lastRefill) / 1000) * messagesPerSecond,
    );
    this.lastRefill = now;
    if (this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
  }

  private send(message: ServerMessage, text?: string): void {
    if (this.socket.readyState === OPEN) this.socket.send(text ?? JSON.stringify(message));
  }

  /**
   * Sends a last error (if any) and closes, with `reason` as the close frame's reason; `hard`
   * drops whatever is queued.
   */
  private shut(
    code: number,
    error: SignalingErrorCode | undefined,
    message: string | undefined,
    hard = false,
    reason?: string,
  ): void {
    if (error !== undefined && message !== undefined)
      this.send({ type: 'error', code: error, message });
    if (hard) this.socket.terminate();
    else this.socket.close(code, reason);
    this.onClose();
  }
}
