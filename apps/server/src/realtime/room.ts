// One live meeting (or call) on this server: who is connected, their relay memberships, the
// participant list, chat, announced media state (standard meetings), and either the MLS delivery service (E2EE) or the server-held media keys
// (standard). State changes run one at a time in the room's queue; taking someone out of the relay
// does not wait for it, so a participant who leaves or is removed stops receiving media at once.
// The organizer (or an admin) may remove a user: out at once, their MLS Remove proposed, and their
// joins refused while this run of the meeting lasts.
import { randomUUID } from 'node:crypto';
import type { MlsCrypto } from '@conclave/crypto/server';
import type { AppContext } from '../context.ts';
import { recordEntry } from '../governance/admissions.ts';
import {
  auditBlockedJoin,
  decideAdmission,
  removedByOrganizer,
  type BlockReason,
  type JoinTarget,
} from './admission.ts';
import { epochText, toBase64 } from './bytes.ts';
import { systemClock } from './clock.ts';
import type { ExternalSenders } from './mls/external-senders.ts';
import { checkKeyPackage, type CheckedKeyPackage } from './mls/key-packages.ts';
import { DeliveryService, type DeliveryHost, type MlsJoinInfo } from './mls/delivery-service.ts';
import type { ResolvedRealtimeOptions } from './options.ts';
import type { Peer } from './peer.ts';
import { RemovedUsers } from './removed-users.ts';
import { sharedWebSocketSink, type LeaveReason, type MediaRelay } from './relay/index.ts';
import { SerialQueue } from './serial-queue.ts';
import type {
  MeetingMessage,
  ServerMessage,
  ServerMessageOf,
  SignalingErrorCode,
} from './signaling.ts';
import { StandardMediaKeys } from './standard-keys.ts';

export interface RoomDeps {
  readonly ctx: AppContext;
  readonly relay: MediaRelay;
  readonly crypto: MlsCrypto;
  readonly senders: ExternalSenders;
  readonly options: ResolvedRealtimeOptions;
  /** The room has nobody left and nothing pending: its owner forgets it. */
  readonly onIdle: (room: Room) => void;
}

export interface JoinRequest {
  /** base64, as sent; checked only once the participant is admitted. */
  readonly keyPackage: string | undefined;
  readonly resumeEpoch: bigint | undefined;
}

type RemovedReason = ServerMessageOf<'removed'>['reason'];
type MediaState = ServerMessageOf<'media-state'>['state'];
/** How someone stops being connected: a reason they are told, or a socket that just went away. */
type DetachReason = RemovedReason | 'disconnected';
/** Why the server takes a participant out (rather than them leaving): their MLS Remove follows. */
export type RemovalReason = 'removed-by-organizer' | 'signed-out' | 'not-admitted';

interface Participant {
  readonly participantId: string;
  readonly peer: Peer;
  readonly relayId: number;
  readonly joinedAt: number;
}

/** A connected participant as the live roster shows it. */
export interface RosterEntry {
  readonly participantId: string;
  readonly userId: string;
  readonly displayName: string;
  readonly deviceId: string;
  readonly relayId: number;
  readonly joinedAt: number;
  readonly leafIndex: number | undefined;
  /** The client it joined with (the rules re-check it when they change). */
  readonly client: Peer['client'];
}

/** Relay ids are 16 bits: in a standard meeting they are the SFrame sender index (KID S = 16). */
const MAX_RELAY_ID = 0xffff;

export class Room {
  readonly key: string;
  private readonly participants = new Map<string, Participant>();
  private readonly queue: SerialQueue;
  private delivery: DeliveryService | undefined;
  private readonly keys: StandardMediaKeys | undefined;
  private nextRelayId = 1;
  private closed = false;
  private readonly removedUsers: RemovedUsers;
  /** E2EE members whose socket dropped (they may resume within the grace time), to their user. */
  private readonly away = new Map<string, string>();
  /**
   * Standard meetings: each connected participant's last `media-state`, handed to whoever joins
   * later (in memory only; E2EE members say theirs inside the group, where the server cannot read).
   */
  private readonly mediaStates = new Map<string, MediaState>();

  constructor(
    readonly target: JoinTarget,
    private readonly deps: RoomDeps,
  ) {
    this.key = roomKey(target.tenantId, target.meetingId);
    this.queue = new SerialQueue((error) =>
      deps.ctx.log.error('realtime room task failed', {
        error: error instanceof Error ? error.name : 'non-error thrown',
      }),
    );
    this.keys = target.endToEndEncryption ? undefined : new StandardMediaKeys();
    this.removedUsers = new RemovedUsers(deps.ctx.store, target);
  }

  /** Admission (governance first), then the group (E2EE) or a fresh media key (standard). */
  join(peer: Peer, request: JoinRequest): Promise<void> {
    return this.run(async () => {
      const { ctx } = this.deps;
      const ds = await this.deliveryService();
      const device = peer.identity.device.id;
      // A device joining again takes over from its older socket, so it is not counted twice.
      const older = [...this.participants.values()].filter(
        (other) => other.peer.identity.device.id === device && other.peer !== peer,
      );
      const connected = new Set(
        [...this.participants.values()]
          .filter((p) => !older.includes(p))
          .map((p) => p.participantId),
      );
      const count = connected.size + (ds?.absentMembers(connected, device) ?? 0);
      const blocked = (await this.removedUsers.includes(peer.identity.user.id))
        ? [removedByOrganizer]
        : await decideAdmission(ctx, peer.identity, this.target, peer.client, count);
      if (blocked !== undefined) {
        peer.send({ type: 'join-blocked', meetingId: this.target.meetingId, reasons: blocked });
        await auditBlockedJoin(
          ctx,
          peer.identity,
          this.target.meetingId,
          this.target.kind,
          blocked,
          peer.client,
        );
        return;
      }
      let keyPackage: CheckedKeyPackage | undefined;
      if (ds !== undefined && request.keyPackage !== undefined) {
        const checked = await checkKeyPackage(
          this.deps.crypto,
          peer.identity,
          request.keyPackage,
          ctx.now(),
        );
        if (checked.kind === 'refused') {
          peer.send({ type: 'error', code: checked.code, message: checked.message });
          return;
        }
        keyPackage = checked.keyPackage;
      }
      // Someone let in without an invitation is recorded as admitted, for the members to read.
      if (this.target.kind === 'meeting')
        await recordEntry(ctx, this.target.tenantId, this.target.meetingId, peer.identity.user);
      for (const other of older) {
        this.detach(other.participantId, 'replaced');
        await ds?.depart(other.participantId, 'replaced');
      }
      const joiner = {
        participantId: randomUUID(),
        userId: peer.identity.user.id,
        deviceId: peer.identity.device.id,
      };
      if (ds === undefined) {
        this.attach(peer, joiner.participantId, undefined);
        if (this.removedUsers.knows(joiner.userId))
          await this.takeOut(joiner.participantId, 'removed-by-organizer');
        return;
      }
      const outcome = await ds.join(
        joiner,
        { keyPackage, resumeEpoch: request.resumeEpoch },
        (participantId, mls) => this.attach(peer, participantId, mls),
      );
      if (outcome.kind === 'error')
        peer.send({ type: 'error', code: outcome.code, message: outcome.message });
      // Removed while this join was being decided: out again, before any media reaches them.
      else if (this.removedUsers.knows(joiner.userId))
        await this.takeOut(outcome.participantId, 'removed-by-organizer');
    });
  }

  /** Connected participants, in the order they joined. */
  roster(): RosterEntry[] {
    return [...this.participants.values()].map((p) => ({
      participantId: p.participantId,
      userId: p.peer.identity.user.id,
      displayName: p.peer.identity.user.displayName,
      deviceId: p.peer.identity.device.id,
      relayId: p.relayId,
      joinedAt: p.joinedAt,
      leafIndex: this.delivery?.leafOf(p.participantId),
      client: p.peer.client,
    }));
  }

  /**
   * The organizer removed `userId` (already recorded in the database): every participant of that
   * user is out now — the relay stops forwarding to them before this returns — and their MLS
   * Removes follow in the queue. Their joins are refused from now on. Returns who was taken out.
   */
  removeUser(userId: string): string[] {
    this.removedUsers.add(userId);
    const removed = [...this.participants.values()]
      .filter((p) => p.peer.identity.user.id === userId)
      .map((p) => p.participantId);
    for (const participantId of removed) this.remove(participantId, 'removed-by-organizer');
    // A device of theirs that dropped a moment ago would keep its leaf for the grace time: its
    // Remove is proposed now too (its resume is refused anyway).
    const away = [...this.away].filter(([, user]) => user === userId).map(([id]) => id);
    for (const participantId of away) {
      this.away.delete(participantId);
      void this.run(async () => {
        await this.delivery?.depart(participantId, 'removed');
      });
    }
    return removed;
  }

  /**
   * Takes one participant out now (relay first) and tells them why; the group change follows in
   * the queue. False if they are not connected here.
   */
  remove(participantId: string, reason: RemovalReason, reasons?: readonly BlockReason[]): boolean {
    if (!this.participants.has(participantId)) return false;
    this.detach(participantId, reason, reasons);
    void this.run(async () => {
      await this.delivery?.depart(participantId, 'removed');
    });
    return true;
  }

  /** A message about this meeting from a participant of it. */
  handle(peer: Peer, message: MeetingMessage): Promise<void> {
    return this.run(async () => {
      const participantId = peer.membership?.participantId;
      if (participantId === undefined || this.participants.get(participantId)?.peer !== peer) {
        peer.send(error('not_joined', 'This socket is not in that meeting.'));
        return;
      }
      const problem = await this.dispatch(peer, participantId, message);
      if (problem !== undefined) peer.send(error(problem, describe(problem)));
    });
  }

  /**
   * The participant on `peer` leaves (`leave`), timed out, or its socket closed. The relay stops
   * forwarding to them before this returns; the group change follows in the queue.
   */
  leave(peer: Peer, how: 'left' | 'timed-out' | 'disconnected'): void {
    const participantId = peer.membership?.participantId;
    if (participantId === undefined || this.participants.get(participantId)?.peer !== peer) return;
    this.detach(participantId, how);
    void this.run(async () => {
      await this.delivery?.depart(participantId, how);
    });
  }

  /** The meeting ended: everyone is told and let go, and the group is forgotten. */
  end(): Promise<void> {
    return this.run(async () => {
      for (const participantId of [...this.participants.keys()])
        this.detach(participantId, 'meeting-ended');
      this.away.clear();
      this.deps.relay.endMeeting(this.key);
      const ds = await this.deliveryService();
      await ds?.destroy();
      this.delivery = undefined;
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.close();
    this.delivery?.close();
    this.keys?.clear();
    this.deps.relay.endMeeting(this.key);
  }

  // ---- internals ------------------------------------------------------------------------------

  private run(task: () => Promise<void>): Promise<void> {
    return this.queue.run(async () => {
      await task();
      // Only the last task of a burst may find the room idle; a queued join keeps it alive.
      if (
        this.queue.pending === 1 &&
        this.participants.size === 0 &&
        (this.delivery?.idle ?? true)
      ) {
        this.deps.onIdle(this);
      }
    });
  }

  private async deliveryService(): Promise<DeliveryService | undefined> {
    if (!this.target.endToEndEncryption) return undefined;
    if (this.delivery === undefined) {
      const { ctx, crypto, senders, options } = this.deps;
      this.delivery = await DeliveryService.open(this.target, {
        crypto,
        store: ctx.store,
        sender: await senders.forTenant(this.target.tenantId),
        options,
        clock: systemClock(ctx.now),
        host: this.host(),
        log: ctx.log,
      });
    }
    return this.delivery;
  }

  private async dispatch(
    peer: Peer,
    participantId: string,
    message: MeetingMessage,
  ): Promise<SignalingErrorCode | undefined> {
    const ds = this.delivery;
    switch (message.type) {
      case 'join':
        return 'already_joined';
      case 'leave':
        this.leave(peer, 'left');
        return undefined;
      case 'chat':
        if (ds !== undefined) return 'not_allowed';
        this.broadcast({
          type: 'chat',
          meetingId: this.target.meetingId,
          from: participantId,
          displayName: peer.identity.user.displayName,
          text: message.text,
          at: new Date(this.deps.ctx.now()).toISOString(),
        });
        return undefined;
      case 'media-state':
        if (ds !== undefined) return 'not_allowed';
        this.mediaStates.set(participantId, message.state);
        this.broadcast(this.mediaStateMessage(participantId, message.state), participantId);
        return undefined;
      case 'group-created': {
        if (ds === undefined) return 'not_allowed';
        return ds.groupCreated(participantId, message);
      }
      case 'commit':
        return ds === undefined ? 'not_allowed' : ds.commit(participantId, message);
      case 'epoch-reached':
        if (ds === undefined) return 'not_allowed';
        ds.epochReached(participantId, message);
        return undefined;
      case 'proposal-rejected':
        if (ds === undefined) return 'not_allowed';
        ds.proposalRejected(participantId, message);
        return undefined;
      case 'commit-failed':
        if (ds === undefined) return 'not_allowed';
        // It cannot follow the group any more: out now, Remove proposed; it may join afresh.
        this.detach(participantId, 'commit-failed');
        await ds.depart(participantId, 'commit-failed');
        return undefined;
      case 'app-message':
        return ds === undefined ? 'not_allowed' : ds.appMessage(participantId, message);
    }
  }

  private host(): DeliveryHost {
    return {
      send: (participantId, message) => this.participants.get(participantId)?.peer.send(message),
      isConnected: (participantId) => this.participants.has(participantId),
      enqueue: (task) => void this.run(async () => task()),
      turnAway: (participantId, reasons) => this.turnAway(participantId, reasons),
      reannounce: (participantId, mls) => {
        const participant = this.participants.get(participantId);
        if (participant !== undefined) participant.peer.send(this.joinedMessage(participant, mls));
      },
      expel: async (participantId, violation) => {
        const participant = this.participants.get(participantId);
        if (participant === undefined) return;
        const { identity } = participant.peer;
        this.detach(participantId, 'protocol-violation');
        await this.deps.ctx.audit.record({
          tenantId: this.target.tenantId,
          actor: { id: identity.user.id, displayName: identity.user.displayName },
          kind: 'e2ee.member.expelled',
          subject: `${this.target.kind}:${this.target.meetingId}`,
          details: { device: identity.device.id, violation },
        });
      },
      groupCreated: async (participantId) => {
        const participant = this.participants.get(participantId);
        if (participant === undefined) return;
        const { identity } = participant.peer;
        await this.deps.ctx.audit.record({
          tenantId: this.target.tenantId,
          actor: { id: identity.user.id, displayName: identity.user.displayName },
          kind: 'e2ee.group.created',
          subject: `${this.target.kind}:${this.target.meetingId}`,
          details: { device: identity.device.id, cipherSuite: 1 },
        });
      },
    };
  }

  /** Puts `peer` into the meeting as `participantId`: relay, `joined`, roster, media key. */
  private attach(peer: Peer, participantId: string, mls: MlsJoinInfo | undefined): void {
    const relayId = this.allocateRelayId();
    const joined = this.deps.relay.join(
      this.key,
      relayId,
      sharedWebSocketSink(peer.socket, (notice) => {
        // `removed` goes as signaling (`removed`), sent by the room itself.
        if (notice.kind === 'key_frame_request') {
          peer.send({
            type: 'keyframe-request',
            meetingId: this.target.meetingId,
            streamId: notice.streamId,
          });
        } else if (notice.kind === 'frame_refused') {
          peer.send({
            type: 'frame-refused',
            meetingId: this.target.meetingId,
            streamId: notice.streamId,
            mediaKind: notice.mediaKind,
            reason: notice.reason,
            frames: notice.frames,
          });
        }
      }),
    );
    if (joined.kind !== 'joined') {
      peer.send(error('internal', 'The media relay is not accepting participants.'));
      return;
    }
    const participant: Participant = {
      participantId,
      peer,
      relayId,
      joinedAt: this.deps.ctx.now(),
    };
    this.participants.set(participantId, participant);
    this.away.delete(participantId);
    peer.membership = {
      room: this,
      meetingId: this.target.meetingId,
      participantId,
      relayId,
      relay: joined.member,
    };
    peer.send(this.joinedMessage(participant, mls));
    peer.send({
      type: 'participants',
      meetingId: this.target.meetingId,
      participants: [...this.participants.values()].map((p) => this.describe(p)),
    });
    for (const [from, state] of this.mediaStates) peer.send(this.mediaStateMessage(from, state));
    this.broadcast(
      {
        type: 'participant-joined',
        meetingId: this.target.meetingId,
        participant: this.describe(participant),
      },
      participantId,
    );
    this.rotateMediaKey();
  }

  /**
   * `remove` from inside a queued task (a join that completed after its user was removed): the
   * departure runs here rather than behind the task that is running.
   */
  private async takeOut(participantId: string, reason: RemovalReason): Promise<void> {
    if (!this.participants.has(participantId)) return;
    this.detach(participantId, reason);
    await this.delivery?.depart(participantId, 'removed');
  }

  /** Takes a participant out now: relay first, then the roster; the socket stays open. */
  private detach(
    participantId: string,
    reason: DetachReason,
    reasons?: readonly BlockReason[],
  ): void {
    const participant = this.participants.get(participantId);
    if (participant === undefined) return;
    const { peer } = participant;
    peer.membership?.relay.leave(relayReason(reason));
    this.participants.delete(participantId);
    this.mediaStates.delete(participantId);
    peer.membership = undefined;
    if (reason === 'disconnected') {
      if (this.target.endToEndEncryption) this.away.set(participantId, peer.identity.user.id);
    } else {
      peer.send({
        type: 'removed',
        meetingId: this.target.meetingId,
        reason,
        ...(reasons === undefined ? {} : { reasons: [...reasons] }),
      });
    }
    this.broadcast({ type: 'participant-left', meetingId: this.target.meetingId, participantId });
    this.rotateMediaKey();
  }

  /** The group will not take this joiner: it gets `join-blocked` instead of `removed`. */
  private turnAway(participantId: string, reasons: BlockReason[]): void {
    const participant = this.participants.get(participantId);
    if (participant === undefined) return;
    const { peer } = participant;
    peer.membership?.relay.leave('removed');
    this.participants.delete(participantId);
    this.mediaStates.delete(participantId);
    peer.membership = undefined;
    peer.send({ type: 'join-blocked', meetingId: this.target.meetingId, reasons });
    this.broadcast({ type: 'participant-left', meetingId: this.target.meetingId, participantId });
    void auditBlockedJoin(
      this.deps.ctx,
      peer.identity,
      this.target.meetingId,
      this.target.kind,
      reasons,
      peer.client,
    ).catch(() => this.deps.ctx.log.error('audit of a turned-away joiner failed'));
  }

  /** How signaling describes a participant; the leaf once a commit placed it in the group. */
  private describe(participant: Participant) {
    const leafIndex = this.delivery?.leafOf(participant.participantId);
    return {
      participantId: participant.participantId,
      userId: participant.peer.identity.user.id,
      displayName: participant.peer.identity.user.displayName,
      relayId: participant.relayId,
      deviceId: participant.peer.identity.device.id,
      ...(leafIndex === undefined ? {} : { leafIndex }),
    };
  }

  private mediaStateMessage(from: string, state: MediaState): ServerMessage {
    return { type: 'media-state', meetingId: this.target.meetingId, from, state };
  }

  private joinedMessage(participant: Participant, mls: MlsJoinInfo | undefined): ServerMessage {
    return {
      type: 'joined',
      meetingId: this.target.meetingId,
      participantId: participant.participantId,
      relayId: participant.relayId,
      endToEndEncryption: this.target.endToEndEncryption,
      ...(mls === undefined ? {} : { mls }),
    };
  }

  /** Standard meetings only: a fresh key for everyone present, on every change of who is present. */
  private rotateMediaKey(): void {
    if (this.keys === undefined || this.participants.size === 0) return;
    const { epoch, key } = this.keys.rotate();
    this.broadcast({
      type: 'media-key',
      meetingId: this.target.meetingId,
      epoch: epochText(epoch),
      key: toBase64(key),
    });
  }

  private broadcast(message: ServerMessage, except?: string): void {
    for (const participant of this.participants.values()) {
      if (participant.participantId !== except) participant.peer.send(message);
    }
  }

  private allocateRelayId(): number {
    const inUse = new Set([...this.participants.values()].map((p) => p.relayId));
    for (let tries = 0; tries < MAX_RELAY_ID; tries++) {
      const id = this.nextRelayId;
      this.nextRelayId = id >= MAX_RELAY_ID ? 1 : id + 1;
      if (!inUse.has(id)) return id;
    }
    throw new Error('no relay id left');
  }
}

export function roomKey(tenantId: string, meetingId: string): string {
  return `${tenantId}/${meetingId}`;
}

function relayReason(reason: DetachReason): LeaveReason {
  switch (reason) {
    case 'left':
    case 'disconnected':
    case 'timed-out':
      return 'left';
    case 'replaced':
      return 'replaced';
    case 'meeting-ended':
      return 'meeting_ended';
    case 'removed':
    case 'commit-failed':
    case 'removed-by-organizer':
    case 'signed-out':
    case 'not-admitted':
    case 'protocol-violation':
      return 'removed';
  }
}

function error(code: SignalingErrorCode, message: string): ServerMessage {
  return { type: 'error', code, message };
}

function describe(code: SignalingErrorCode): string {
  switch (code) {
    case 'bad_commit':
      return 'The commit does not fit the group: it was not accepted.';
    case 'bad_mls_message':
      return 'The MLS message does not fit the group.';
    case 'not_allowed':
      return 'This message is not used in this kind of meeting.';
    case 'already_joined':
      return 'This socket is already in a meeting; leave it first.';
    case 'not_joined':
      return 'This socket is not in that meeting.';
    default:
      return 'The message was refused.';
  }
}
