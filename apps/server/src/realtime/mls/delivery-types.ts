// What the delivery service and the room that owns it say to each other: the room's side (sockets,
// its queue, turning someone away, audit) and the service's dependencies and answers.
import type { ExternalSenderKeyPair, MlsCrypto } from '@conclave/crypto/server';
import type { Logger } from '../../log.ts';
import type { Metrics } from '../../metrics/metrics.ts';
import type { Store } from '../../storage/store.ts';
import type { BlockReason } from '../admission.ts';
import type { ServerClock } from '../clock.ts';
import type { ResolvedRealtimeOptions } from '../options.ts';
import type { ServerMessage, ServerMessageOf, SignalingErrorCode } from '../signaling.ts';
import type { CommitViolation } from './commit-check.ts';
import type { CheckedKeyPackage } from './key-packages.ts';
import type { HostLease } from './group-store.ts';

export type MlsJoinInfo = NonNullable<ServerMessageOf<'joined'>['mls']>;

/** What the delivery service needs from the room that owns it. */
export interface DeliveryHost {
  /** Sends to a participant's socket; nothing if it is not connected. */
  send(participantId: string, message: ServerMessage): void;
  /** One message for each of these participants that is connected (not `except`). */
  sendEach(participantIds: Iterable<string>, message: ServerMessage, except?: string): void;
  isConnected(participantId: string): boolean;
  /** Runs `task` in the room's queue (how timers get back in). */
  enqueue(task: () => Promise<void> | void): void;
  /** The same, in order with membership changes, and again while the database is away. */
  retried(what: string, task: () => Promise<void>): void;
  /** The members refused this joiner (or the group cannot take it): the room turns it away. */
  turnAway(participantId: string, reasons: BlockReason[]): void;
  /** Sends `joined` again: the group was re-founded and this participant's role changed. */
  reannounce(participantId: string, mls: MlsJoinInfo): void;
  /** The first participant created the group (for the audit log). */
  groupCreated(participantId: string): Promise<void>;
  /**
   * A member did what no member may: the room takes it out now, tells it why and audits it (its
   * MLS Remove follows from the delivery service).
   */
  expel(participantId: string, violation: CommitViolation): Promise<void>;
}

export interface DeliveryDeps {
  readonly crypto: MlsCrypto;
  readonly store: Store;
  /** On a node of a cluster: group writes count only while this node hosts the meeting. */
  readonly lease?: HostLease | undefined;
  readonly sender: ExternalSenderKeyPair;
  readonly options: ResolvedRealtimeOptions;
  readonly clock: ServerClock;
  readonly host: DeliveryHost;
  /** Operator log: epochs, counts and reasons only — never identities or MLS bytes. */
  readonly log: Logger;
  /** Counts commits and epochs for /metrics (../../metrics/). */
  readonly metrics?: Metrics | undefined;
}

export interface JoinRequest {
  readonly keyPackage: CheckedKeyPackage | undefined;
  readonly resumeEpoch: bigint | undefined;
}

export type JoinOutcome =
  | { readonly kind: 'joined'; readonly participantId: string }
  | { readonly kind: 'error'; readonly code: SignalingErrorCode; readonly message: string };

/** How a participant stopped being connected, as far as the group is concerned. */
export type Departure =
  'left' | 'removed' | 'timed-out' | 'commit-failed' | 'disconnected' | 'replaced';
