// One live meeting (or call) on this server: who is connected, their relay memberships and the
// participant list. What differs between an E2EE meeting (the MLS delivery service) and a standard
// one (server-held media keys, chat, announced media state) is the room's mode (./room-modes/).
// State changes run one at a time in the room's queue; taking someone out of the relay does not
// wait for it, so a participant who leaves or is removed stops receiving media at once.
// The organizer (or an admin) may remove a user: out at once, the mode told (an E2EE meeting
// proposes their MLS Remove), and their joins refused while this run of the meeting lasts.
import { randomUUID } from 'node:crypto';
import { recordRemoval } from '../governance/removals.ts';
import {
  auditBlockedJoin,
  decideAdmission,
  removedByOrganizer,
  type BlockReason,
  type JoinTarget,
} from './admission.ts';
import type { MlsJoinInfo } from './mls/delivery-types.ts';
import type { MeetingRoom, Peer } from './peer.ts';
import { judgeRemoval } from './removal-request.ts';
import { RemovedUsers } from './removed-users.ts';
import { relayNoticeForwarder, relayReason } from './relay-notices.ts';
import type { LeaveReason, MediaRelay, RelayMember } from './relay/index.ts';
import {
  createRoomMode,
  type RoomMode,
  type RoomModeDeps,
  type RoomSide,
} from './room-modes/index.ts';
import type {
  DetachReason,
  JoinRequest,
  LeaveHow,
  RemovalReason,
  RosterEntry,
} from './room-types.ts';
import {
  joinedMessage,
  participantInfo,
  rosterEntry,
  RoomParticipants,
  type Participant,
} from './room-participants.ts';
import { systemClock } from './clock.ts';
import { codeOf, RetriedInOrder } from './retried-in-order.ts';
import { SerialQueue } from './serial-queue.ts';
import { signalingError } from './signaling-errors.ts';
import type { MeetingMessage } from './signaling.ts';

/** How often a settling room looks again for the commit it waits for. */
const SETTLE_POLL_MS = 25;

/** Resolves at `until` (process time, ms). */
function pause(until: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, until - Date.now())));
}

export interface RoomDeps extends RoomModeDeps {
  readonly relay: MediaRelay;
  /** The room has nobody left and nothing pending: its owner forgets it. */
  readonly onIdle: (room: Room) => void;
}

export class Room implements MeetingRoom {
  readonly key: string;
  private readonly participants = new RoomParticipants();
  private readonly queue: SerialQueue;
  /** Leaves and removals, retried in order while the database is away (retried-in-order.ts). */
  private readonly changes: RetriedInOrder;
  private readonly mode: RoomMode;
  private closed = false;
  private readonly removedUsers: RemovedUsers;

  constructor(
    readonly target: JoinTarget,
    private readonly deps: RoomDeps,
  ) {
    this.key = roomKey(target.tenantId, target.meetingId);
    this.queue = new SerialQueue((error) =>
      deps.ctx.log.error('realtime room task failed', {
        error: error instanceof Error ? error.name : 'non-error thrown',
        code: codeOf(error),
      }),
    );
    this.changes = new RetriedInOrder({
      clock: systemClock(),
      enqueue: (task) => void this.run(task),
      log: deps.ctx.log,
    });
    this.mode = createRoomMode(this.side(), deps);
    this.removedUsers = new RemovedUsers(deps.ctx.store, target);
  }

  /** Admission (governance first), then the mode brings the joiner in (group or media key). */
  join(peer: Peer, request: JoinRequest): Promise<void> {
    const requestedAt = performance.now(); // join latency counts the wait in the room's queue too
    return this.run(async () => {
      const { ctx } = this.deps;
      const device = peer.identity.device.id;
      // A device joining again takes over from its older socket, so it is not counted twice.
      const older = this.participants.olderSocketsOf(peer);
      const connected = this.participants.idsExcept(older);
      const count = connected.size + (await this.mode.absentMembers(connected, device));
      const blocked = (await this.removedUsers.includes(peer.identity.user.id))
        ? [removedByOrganizer]
        : await decideAdmission(ctx, peer.identity, this.target, peer.client, count);
      if (blocked !== undefined) {
        for (const reason of blocked) ctx.metrics?.joinRefused(reason.code);
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
      const check = await this.mode.checkJoin(peer, request);
      if (check.kind === 'refused') {
        ctx.metrics?.joinRefused(check.code);
        peer.send({ type: 'error', code: check.code, message: check.message });
        return;
      }
      for (const other of older) {
        this.detach(other.participantId, 'replaced');
        await this.mode.depart(other.participantId, 'replaced');
      }
      const joiner = {
        participantId: randomUUID(),
        userId: peer.identity.user.id,
        deviceId: peer.identity.device.id,
      };
      const outcome = await check.admit(joiner, (participantId, mls) =>
        this.attach(peer, participantId, mls),
      );
      ctx.metrics?.joinSettled(this.target.endToEndEncryption, outcome, requestedAt);
      if (outcome.kind === 'error')
        peer.send({ type: 'error', code: outcome.code, message: outcome.message });
      // Removed while this join was being decided: out again, before any media reaches them.
      else if (this.removedUsers.knows(joiner.userId))
        await this.takeOut(outcome.participantId, 'removed-by-organizer');
    });
  }

  /** Connected participants, in the order they joined. */
  roster(): RosterEntry[] {
    return this.participants.all().map((p) => rosterEntry(p, this.mode.leafOf(p.participantId)));
  }

  /**
   * The organizer removed `userId` (already recorded in the database): every participant of that
   * user is out now — the relay stops forwarding to them before this returns — and their MLS
   * Removes follow in the queue. Their joins are refused from now on. Returns who was taken out.
   */
  removeUser(userId: string): string[] {
    this.removedUsers.add(userId);
    const removed = this.participants
      .all()
      .filter((p) => p.peer.identity.user.id === userId)
      .map((p) => p.participantId);
    for (const participantId of removed) this.remove(participantId, 'removed-by-organizer');
    this.mode.userRemoved(userId);
    return removed;
  }

  /**
   * Takes one participant out now (relay first) and tells them why; the group change follows in
   * the queue. False if they are not connected here.
   */
  remove(participantId: string, reason: RemovalReason, reasons?: readonly BlockReason[]): boolean {
    if (!this.participants.has(participantId)) return false;
    this.detach(participantId, reason, reasons);
    this.changes.add('removed', () => this.mode.depart(participantId, 'removed'));
    return true;
  }

  /** A message about this meeting from a participant of it; the mode answers all but three. */
  handle(peer: Peer, message: MeetingMessage): Promise<void> {
    return this.run(async () => {
      const participantId = this.participants.on(peer)?.participantId;
      if (participantId === undefined) {
        peer.send(signalingError('not_joined'));
        return;
      }
      if (message.type === 'join') {
        peer.send(signalingError('already_joined'));
        return;
      }
      if (message.type === 'leave') {
        this.leave(peer, 'left');
        return;
      }
      if (message.type === 'remove-participant') {
        await this.removeAsked(peer, message.participantId);
        return;
      }
      const problem = await this.mode.handle(peer, participantId, message);
      if (problem !== undefined) peer.send(signalingError(problem));
    });
  }

  /**
   * The participant on `peer` leaves (`leave`), timed out, or its socket closed. The relay stops
   * forwarding to them before this returns; the group change follows in the queue.
   */
  leave(peer: Peer, how: LeaveHow): void {
    const participantId = this.participants.on(peer)?.participantId;
    if (participantId === undefined) return;
    this.detach(participantId, how);
    this.changes.add(how, () => this.mode.depart(participantId, how));
  }

  /** The meeting ended: everyone is told and let go, and the mode's state (the group) forgotten. */
  end(): Promise<void> {
    return this.run(async () => {
      for (const participantId of this.participants.ids())
        this.detach(participantId, 'meeting-ended');
      this.deps.relay.endMeeting(this.key);
      await this.mode.end();
    });
  }

  /**
   * The server is shutting down: resolves once the work queued so far has run and no commit is
   * still awaited from a connected member — or at `deadline` (process time, ms), whichever comes
   * first.
   */
  async settle(deadline: number): Promise<void> {
    const queued = () => Promise.race([this.queue.run(() => undefined), pause(deadline)]);
    await queued();
    const awaited = () => {
      const committer = this.mode.committer;
      return committer !== undefined && this.participants.has(committer);
    };
    while (!this.closed && awaited() && Date.now() < deadline) {
      await pause(Math.min(deadline, Date.now() + SETTLE_POLL_MS));
      await queued();
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.changes.close();
    this.queue.close();
    this.mode.close();
    this.deps.relay.endMeeting(this.key);
  }

  // ---- internals ------------------------------------------------------------------------------

  /**
   * The organizer (or an admin) on `peer` removes a participant over the socket. Out at once, as
   * with the REST door, but recorded after: the record, their MLS Removes and the `removal-done`
   * answer wait in line (retried-in-order.ts) while the database is away, so a removal made during
   * an outage is committed once it is back — and reported done only then.
   */
  private async removeAsked(peer: Peer, participantId: string): Promise<void> {
    const { meetingId, tenantId } = this.target;
    const named = this.participants.get(participantId);
    const judged = await judgeRemoval(
      this.deps.ctx,
      this.target,
      peer.identity,
      named?.peer.identity.user.id,
    );
    if (judged.kind === 'refused' || named === undefined) {
      const { code, message } =
        judged.kind === 'refused' ? judged : { code: 'not_found' as const, message: '' };
      peer.send({ type: 'removal-refused', meetingId, participantId, code, message });
      return;
    }
    const { user, device } = named.peer.identity;
    let recorded = false;
    this.changes.add('removal-recorded', async () => {
      await recordRemoval(this.deps.ctx, {
        tenantId,
        meetingId,
        runStartedAt: this.target.startedAt ?? 0,
        by: peer.identity.user,
        standing: judged.standing,
        target: {
          participantId,
          userId: user.id,
          displayName: user.displayName,
          deviceId: device.id,
        },
      });
      recorded = true;
    });
    const removed = this.removeUser(user.id);
    peer.send({ type: 'removal-accepted', meetingId, participantId, removed });
    this.changes.add('removal-reported', () => {
      peer.send(
        recorded
          ? { type: 'removal-done', meetingId, participantId, removed }
          : {
              type: 'removal-refused',
              meetingId,
              participantId,
              code: 'failed',
              message:
                'They are out of the meeting now, but the removal could not be recorded: after a server restart they could rejoin.',
            },
      );
      return Promise.resolve();
    });
  }

  private run(task: () => Promise<void>): Promise<void> {
    return this.queue.run(async () => {
      await task();
      // Only the last task of a burst may find the room idle; a queued join keeps it alive.
      if (this.queue.pending === 1 && this.participants.size === 0 && this.mode.idle) {
        this.deps.onIdle(this);
      }
    });
  }

  /** The room as its mode sees it. */
  private side(): RoomSide {
    const participants = this.participants;
    return {
      target: this.target,
      peerOf: (participantId) => participants.get(participantId)?.peer,
      get size() {
        return participants.size;
      },
      send: (participantId, message) => participants.get(participantId)?.peer.send(message),
      sendEach: (participantIds, message, except) =>
        participants.sendEach(participantIds, message, except),
      broadcast: (message, except) => participants.broadcast(message, except),
      enqueue: (task) => void this.run(async () => task()),
      retried: (what, task) => this.changes.add(what, task),
      detach: (participantId, reason) => this.detach(participantId, reason),
      turnAway: (participantId, reasons) => this.turnAway(participantId, reasons),
      reannounce: (participantId, mls) => {
        const participant = participants.get(participantId);
        if (participant !== undefined)
          participant.peer.send(joinedMessage(this.target, participant, mls));
      },
    };
  }

  /** Puts `peer` into the meeting as `participantId`: relay, `joined`, roster, then the mode. */
  private attach(peer: Peer, participantId: string, mls: MlsJoinInfo | undefined): void {
    const relayId = this.participants.allocateRelayId();
    const { meetingId } = this.target;
    const sink = peer.relaySink(relayNoticeForwarder(peer, meetingId));
    const joined =
      sink === undefined
        ? { kind: 'joined' as const, member: relayedElsewhere(this.key, relayId) }
        : this.deps.relay.join(this.key, relayId, sink);
    if (joined.kind !== 'joined') {
      peer.send(signalingError('internal', 'The media relay is not accepting participants.'));
      return;
    }
    const participant: Participant = {
      participantId,
      peer,
      relayId,
      joinedAt: this.deps.ctx.now(),
    };
    this.participants.add(participant);
    peer.membership = { room: this, meetingId, participantId, relayId, relay: joined.member };
    peer.send(joinedMessage(this.target, participant, mls));
    peer.send({
      type: 'participants',
      meetingId,
      participants: this.participants
        .all()
        .map((p) => participantInfo(p, this.mode.leafOf(p.participantId))),
    });
    this.participants.broadcast(
      {
        type: 'participant-joined',
        meetingId,
        participant: participantInfo(participant, this.mode.leafOf(participantId)),
      },
      participantId,
    );
    this.mode.attached(participantId);
  }

  /**
   * `remove` from inside a queued task (a join that completed after its user was removed): the
   * departure runs here rather than behind the task that is running.
   */
  private async takeOut(participantId: string, reason: RemovalReason): Promise<void> {
    if (!this.participants.has(participantId)) return;
    this.detach(participantId, reason);
    await this.mode.depart(participantId, 'removed');
  }

  /** Takes a participant out now: relay first, then the roster; the socket stays open. */
  private detach(
    participantId: string,
    reason: DetachReason,
    reasons?: readonly BlockReason[],
  ): void {
    const peer = this.drop(participantId, relayReason(reason));
    if (peer === undefined) return;
    if (reason !== 'disconnected') {
      peer.send({
        type: 'removed',
        meetingId: this.target.meetingId,
        reason,
        ...(reasons === undefined ? {} : { reasons: [...reasons] }),
      });
    }
    this.mode.detached(participantId, peer.identity.user.id, reason);
  }

  /**
   * Out of the relay (first: media stops at once), the roster and the meeting; the others are
   * told. The socket stays open. Returns it, if `participantId` was connected.
   */
  private drop(participantId: string, reason: LeaveReason): Peer | undefined {
    const participant = this.participants.get(participantId);
    if (participant === undefined) return undefined;
    const { peer } = participant;
    peer.membership?.relay.leave(reason);
    this.participants.delete(participantId);
    peer.membership = undefined;
    const { meetingId } = this.target;
    this.participants.broadcast({ type: 'participant-left', meetingId, participantId });
    return peer;
  }

  /** The group will not take this joiner: it gets `join-blocked` instead of `removed`. */
  private turnAway(participantId: string, reasons: BlockReason[]): void {
    const peer = this.drop(participantId, 'removed');
    if (peer === undefined) return;
    peer.send({ type: 'join-blocked', meetingId: this.target.meetingId, reasons });
    this.mode.detached(participantId, peer.identity.user.id, 'turned-away');
    void auditBlockedJoin(
      this.deps.ctx,
      peer.identity,
      this.target.meetingId,
      this.target.kind,
      reasons,
      peer.client,
    ).catch(() => this.deps.ctx.log.error('audit of a turned-away joiner failed'));
  }
}

export function roomKey(tenantId: string, meetingId: string): string {
  return `${tenantId}/${meetingId}`;
}

/** A participant whose socket, and so whose media, another node of the cluster relays. */
function relayedElsewhere(meetingId: string, participantId: number): RelayMember {
  return {
    meetingId,
    participantId,
    active: true,
    receive: () => ({ kind: 'rejected', reason: 'not_in_meeting' }),
    leave: () => undefined,
  };
}
