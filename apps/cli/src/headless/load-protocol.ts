// Messages between `conclave load` and its participant worker process (IPC). The participants
// run in a process of their own so that, with the server in the command's process, the server's
// CPU and memory can be measured apart from the N clients' work — and the two use both cores.
import type { ParticipantReport } from './participant.ts';

export interface LoadAccount {
  readonly token: string;
  readonly userId: string;
}

export interface StartLoad {
  readonly type: 'start';
  readonly server: string;
  readonly meetingId: string;
  readonly accounts: readonly LoadAccount[];
  /** The first `senders` accounts send audio and video; all receive. */
  readonly senders: number;
  readonly durationMs: number;
  readonly joinTimeoutMs: number;
}

export type WorkerMessage =
  | {
      readonly type: 'progress';
      readonly joined: number;
      readonly failed: number;
      readonly total: number;
    }
  | { readonly type: 'converged'; readonly ms: number | null }
  | {
      readonly type: 'result';
      readonly reports: readonly ParticipantReport[];
      readonly convergedMs: number | null;
    }
  | { readonly type: 'error'; readonly message: string };
