// Messages between `conclave load` and its participant worker processes (IPC). The participants
// run in processes of their own so that, with the server in the command's process, the server's
// CPU and memory can be measured apart from the clients' work — and so that the clients, real MLS
// members, use every core instead of sharing one event loop.
//
// A run, per worker: start → ready (clients connected) → go (the storm, at the same moment in every
// worker) → status… → measure (converged, or given up) → report → leave → the worker exits.
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
  readonly joinTimeoutMs: number;
}

export type ParentMessage =
  | StartLoad
  | { readonly type: 'go' }
  | { readonly type: 'measure'; readonly durationMs: number }
  | { readonly type: 'leave' };

export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'status'; readonly status: WorkerStatus }
  | { readonly type: 'report'; readonly reports: readonly ParticipantReport[] }
  | { readonly type: 'error'; readonly message: string };
