// An end-to-end encrypted meeting or call: the MLS delivery service (../mls/) admits members into
// the group with their KeyPackages, asks them to commit, fans out commits and application
// messages, and expels a member that breaks the protocol. The server never holds a media key here;
// chat and media state travel inside the group, so their signaling messages are not used.
import type { MlsCrypto } from '@conclave/crypto/server';
import { systemClock } from '../clock.ts';
import type { CommitViolation } from '../mls/commit-check.ts';
import { DeliveryService } from '../mls/delivery-service.ts';
import type { DeliveryHost, Departure } from '../mls/delivery-types.ts';
import { checkKeyPackage, type CheckedKeyPackage } from '../mls/key-packages.ts';
import { UnadmittedReports } from '../mls/unadmitted-reports.ts';
import type { Peer } from '../peer.ts';
import type { DetachReason, JoinRequest } from '../room-types.ts';
import type { SignalingErrorCode } from '../signaling.ts';
import type { JoinCheck, ModeMessage, RoomMode, RoomModeDeps, RoomSide } from './room-mode.ts';

type AuditKind = 'e2ee.member.expelled' | 'e2ee.group.created';

export class E2eeMode implements RoomMode {
  /** Opened on first need (the group may be resumed from the database), forgotten when it ends. */
  private delivery: DeliveryService | undefined;
  /** Members whose socket dropped (they may resume within the grace time), to their user. */
  private readonly away = new Map<string, string>();
  /**
   * When the room took each participant out (left, removed…), until their departure reaches the
   * group: their Remove's batching wait — the removal cut-off's first part — counts from then.
   */
  private readonly takenOutAt = new Map<string, number>();

  /** Members' reports of an Add no signed admission covers (meetings; calls have no lists). */
  private readonly reports: UnadmittedReports | undefined;

  constructor(
    private readonly room: RoomSide,
    private readonly deps: RoomModeDeps,
  ) {
    const { ctx } = deps;
    this.reports =
      room.target.kind === 'meeting'
        ? new UnadmittedReports(room.target, {
            audit: ctx.audit,
            clock: systemClock(ctx.now),
            log: ctx.log,
            enqueue: (task) => room.enqueue(task),
          })
        : undefined;
  }

  async absentMembers(connected: ReadonlySet<string>, exceptDevice: string): Promise<number> {
    const ds = await this.deliveryService();
    return ds.absentMembers(connected, exceptDevice);
  }

  /** A KeyPackage, if sent, must verify and be this device's before the group hears of it. */
  async checkJoin(peer: Peer, request: JoinRequest): Promise<JoinCheck> {
    const ds = await this.deliveryService();
    let keyPackage: CheckedKeyPackage | undefined;
    if (request.keyPackage !== undefined) {
      const checked = await checkKeyPackage(
        this.crypto(),
        peer.identity,
        request.keyPackage,
        this.deps.ctx.now(),
      );
      if (checked.kind === 'refused') return checked;
      keyPackage = checked.keyPackage;
    }
    return {
      kind: 'ready',
      admit: (joiner, attach) =>
        ds.join(joiner, { keyPackage, resumeEpoch: request.resumeEpoch }, attach),
    };
  }

  async depart(participantId: string, how: Departure): Promise<void> {
    const since = this.takenOutAt.get(participantId);
    this.takenOutAt.delete(participantId);
    await this.delivery?.depart(participantId, how, since);
  }

  attached(participantId: string): void {
    this.away.delete(participantId);
  }

  /** A dropped socket keeps its leaf for the grace time; the room remembers whose it was. */
  detached(participantId: string, userId: string, reason: DetachReason | 'turned-away'): void {
    if (reason === 'disconnected') this.away.set(participantId, userId);
    else if (reason !== 'turned-away') this.takenOutAt.set(participantId, this.deps.ctx.now());
  }

  /**
   * A device of theirs that dropped a moment ago would keep its leaf for the grace time: its
   * Remove is proposed now too (its resume is refused anyway).
   */
  userRemoved(userId: string): void {
    const away = [...this.away].filter(([, user]) => user === userId).map(([id]) => id);
    for (const participantId of away) {
      this.away.delete(participantId);
      this.room.retried('removed', () => this.depart(participantId, 'removed'));
    }
  }

  async handle(
    _peer: Peer,
    participantId: string,
    message: ModeMessage,
  ): Promise<SignalingErrorCode | undefined> {
    const ds = this.delivery;
    // Everyone connected joined through the service, so it is open; not while the meeting ends.
    if (ds === undefined) return 'not_allowed';
    switch (message.type) {
      case 'chat': // Chat, media state and reactions travel inside the group, never in the clear.
      case 'media-state':
      case 'reaction':
        return 'not_allowed';
      case 'group-created':
        return ds.groupCreated(participantId, message);
      case 'commit':
        return ds.commit(participantId, message);
      case 'epoch-reached':
        ds.epochReached(participantId, message);
        return undefined;
      case 'proposal-rejected': {
        const about = ds.proposalRejected(participantId, message);
        // An Add no organizer's admission covers: the alarm is audited, once per proposal.
        if (about !== undefined && message.reason === 'not_admitted' && this.reports !== undefined)
          this.reports.report({
            proposalId: message.proposalId,
            reporter: participantId,
            ...about,
          });
        return undefined;
      }
      case 'commit-failed':
        // It cannot follow the group any more: out now, Remove proposed; it may join afresh.
        this.room.detach(participantId, 'commit-failed');
        await this.depart(participantId, 'commit-failed');
        return undefined;
      case 'app-message':
        return ds.appMessage(participantId, message);
    }
  }

  leafOf(participantId: string): number | undefined {
    return this.delivery?.leafOf(participantId);
  }

  get idle(): boolean {
    return this.delivery?.idle ?? true;
  }

  get committer(): string | undefined {
    return this.delivery?.committer();
  }

  /** The group is deleted (opened first if this server never had it open) and forgotten. */
  async end(): Promise<void> {
    this.away.clear();
    this.takenOutAt.clear();
    const ds = await this.deliveryService();
    await ds.destroy();
    this.delivery = undefined;
  }

  close(): void {
    this.delivery?.close();
  }

  /** The meeting's one suite: post-quantum when its decision requires it, never a fallback. */
  private crypto(): MlsCrypto {
    return this.room.target.postQuantum === undefined ? this.deps.crypto : this.deps.pqCrypto;
  }

  private async deliveryService(): Promise<DeliveryService> {
    if (this.delivery === undefined) {
      const { ctx, senders, options } = this.deps;
      const { target } = this.room;
      this.delivery = await DeliveryService.open(target, {
        crypto: this.crypto(),
        store: ctx.store,
        lease: this.deps.hostLease,
        sender: await senders.forTenant(target.tenantId),
        options,
        clock: systemClock(ctx.now),
        host: this.host(),
        log: ctx.log,
        metrics: ctx.metrics,
      });
    }
    return this.delivery;
  }

  private host(): DeliveryHost {
    return {
      send: (participantId, message) => this.room.send(participantId, message),
      sendEach: (participantIds, message, except) =>
        this.room.sendEach(participantIds, message, except),
      isConnected: (participantId) => this.room.peerOf(participantId) !== undefined,
      enqueue: (task) => this.room.enqueue(task),
      retried: (what, task) => this.room.retried(what, task),
      turnAway: (participantId, reasons) => this.room.turnAway(participantId, reasons),
      reannounce: (participantId, mls) => this.room.reannounce(participantId, mls),
      expel: async (participantId, violation) => {
        const peer = this.room.peerOf(participantId);
        if (peer === undefined) return;
        this.room.detach(participantId, 'protocol-violation');
        await this.audit(peer, 'e2ee.member.expelled', { violation });
      },
      groupCreated: async (participantId) => {
        const peer = this.room.peerOf(participantId);
        if (peer === undefined) return;
        await this.audit(peer, 'e2ee.group.created', { cipherSuite: this.crypto().suite.id });
      },
    };
  }

  private async audit(
    peer: Peer,
    kind: AuditKind,
    details: { violation: CommitViolation } | { cipherSuite: number },
  ): Promise<void> {
    const { identity } = peer;
    const { target } = this.room;
    await this.deps.ctx.audit.record({
      tenantId: target.tenantId,
      actor: { id: identity.user.id, displayName: identity.user.displayName },
      kind,
      subject: `${target.kind}:${target.meetingId}`,
      details: { device: identity.device.id, ...details },
    });
  }
}
