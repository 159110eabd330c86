// What a member session (./member-session.ts) is given and what it reports: its options, the
// observer the meeting implements, and an epoch change as the meeting receives it.
import type {
  AuthEvent,
  Authenticator,
  DeviceCredential,
  EpochKeySink,
  MeetingState,
  MlsCrypto,
  RosterEntry,
} from '@conclave/crypto/member';
import type { Clock } from '../clock.ts';
import type { ClientError } from '../errors.ts';
import type { ClientMessage } from '../wire.ts';
import type { MlsTurns } from './turns.ts';

export interface EpochChange {
  readonly epoch: bigint;
  readonly leafIndex: number;
  readonly roster: readonly RosterEntry[];
  readonly securityCode: string;
  readonly added: readonly RosterEntry[];
  readonly removed: readonly RosterEntry[];
  /**
   * Senders stay on the previous epoch's keys until told (`sendUnder`): a commit that only added
   * members or refreshed keys. One that removed someone, and the first epoch, are used at once.
   */
  readonly sendersWait: boolean;
}

/** What the session reports; the meeting turns these into its public events. */
export interface MemberObserver {
  /** Awaited: frames held back for the epoch are decrypted before anything else is handled. */
  epoch(change: EpochChange): Promise<void>;
  /** What the authentication service decided (refused credentials, changed keys, first sightings). */
  findings(events: readonly AuthEvent[]): void;
  /** A commit removed this member from the group. */
  removedByCommit(): void;
  /** This member cannot follow the group any more (it told the server with `commit-failed`). */
  lostGroup(error: ClientError): void;
  application(data: Uint8Array, from: string): void;
}

export interface MemberSessionOptions {
  readonly meetingId: string;
  readonly crypto: MlsCrypto;
  /** The post-quantum suite's, when this client can do it (it then declares `postQuantum`). */
  readonly pqCrypto?: MlsCrypto | undefined;
  readonly device: DeviceCredential;
  /** This participant's id, once `joined` said it: finds its own wait in a `welcome`. */
  readonly participantId: () => string | undefined;
  readonly authenticator: Authenticator;
  readonly clock: Clock;
  /** The key ring the epoch secrets go to (the meeting may replace it for a new group). */
  readonly keys: () => EpochKeySink;
  readonly send: (message: ClientMessage) => void;
  readonly observer: MemberObserver;
  /** The server founded a new group for the meeting: media keys of the old one are useless. */
  readonly newGroup: () => void;
  /** Diagnostics and tests: sees every group state this member adopts (it holds secrets). */
  readonly inspect?: (state: MeetingState) => void;
  /** Runs each MLS step this member times (`ConnectOptions.mlsTurns`); default: at once. */
  readonly turns?: MlsTurns | undefined;
}
