// Messages between `conclave load` and its participant worker processes (IPC). The participants
// run in processes of their own so that, with the server in the command's process, the server's
// CPU and memory can be measured apart from the clients' work — and so that the clients, real MLS
// members, use every core instead of sharing one event loop.
//
// A run, per worker: start → ready (clients connected) → go (the storm, at the same moment in every
// worker) → status… → measure (converged, or given up; with --churn, the joins and leaves to make
// while media flows; with --removals, `stepped`: depart… → finish, the statuses going on meanwhile)
// → report → leave → the worker exits.
import type { FrameWindow } from './churn.ts';
import type { SenderCutoffs } from './cutoff-watch.ts';
import type { WorkerMemory } from './client-memory.ts';
import type { ExcludedPauses } from './heap-pauses.ts';
import type { DepartureRecord } from './removal-cutoff.ts';
import type { WorkerStatus } from './convergence.ts';
import type { ParticipantReport } from './participant.ts';

export interface LoadAccount {
  readonly token: string;
  readonly userId: string;
  /** The server (cluster node) this participant connects to; default: the run's server. */
  readonly server?: string;
}

export interface StartLoad {
  readonly type: 'start';
  readonly server: string;
  readonly meetingId: string;
  /** This worker's share of the accounts. */
  readonly accounts: readonly LoadAccount[];
  /** The first `senders` of this worker's accounts send audio and video; all receive. */
  readonly senders: number;
  /** False: only the senders take media; the others subscribe to none (default: all receive). */
  readonly othersReceive?: boolean;
  /** The senders start their media when the measured time begins, not as they join. */
  readonly mediaAfterConvergence?: boolean;
  /** MLS steps take turns from the start, the join storm included (mls-turns.ts). */
  readonly turnsFromStart?: boolean;
  readonly joinTimeoutMs: number;
  /** Connected up front, joined during the measured time (--churn); they only receive. */
  readonly churners?: readonly LoadAccount[];
}

/** A join or a leave during the measured time, `atMs` after it began. */
export interface ChurnEvent {
  readonly atMs: number;
  readonly kind: 'join' | 'leave';
  /** join: which of this worker's churners; leave: which of its accounts. */
  readonly index: number;
}

export type ParentMessage =
  | StartLoad
  | { readonly type: 'go' }
  | {
      readonly type: 'measure';
      readonly durationMs: number;
      readonly churn?: readonly ChurnEvent[];
      /** Everyone who will leave (in any worker): this worker's senders watch for their removal. */
      readonly leavers?: readonly string[];
      /** --removals: the departures come from the parent one by one (`depart`) until `finish`. */
      readonly stepped?: boolean;
    }
  /**
   * One departure, to every worker: the one holding `userId` marks them gone and, for `leave`,
   * leaves; for `remove`, the one holding the organizer `by` removes them.
   */
  | {
      readonly type: 'depart';
      readonly kind: 'leave' | 'remove';
      readonly userId: string;
      readonly by: string;
    }
  | { readonly type: 'finish' }
  | { readonly type: 'leave' };

export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'status'; readonly status: WorkerStatus }
  | {
      readonly type: 'report';
      /** This worker's accounts, then its churners. */
      readonly reports: readonly ParticipantReport[];
      /** The same participants' frames in the measured time only. */
      readonly windows: readonly FrameWindow[];
      /** Which of them left during it (--churn). */
      readonly left: readonly boolean[];
      /** The MLS (or media-key) epoch of this worker's first participant when the measured time began and ended. */
      readonly epochs: { readonly start: string | null; readonly end: string | null };
      /** The departures this worker made, and what its senders saw of the removals (E2EE). */
      readonly cutoffs: {
        readonly leaves: readonly DepartureRecord[];
        readonly senders: readonly SenderCutoffs[];
      };
      /** Full collections of the worker's shared heap taken out of its timed MLS steps. */
      readonly excludedPauses: ExcludedPauses;
      /** This worker's peak resident set while it ran, and how many participants it held. */
      readonly memory: WorkerMemory;
    }
  | { readonly type: 'error'; readonly message: string };
