// The realtime side's knobs. Defaults are the documented behaviour (docs/meeting-flow.md); tests
// shorten the timers.

export interface RealtimeOptions {
  /**
   * Proposals are batched into one commit request: the batch is sent once no new proposal has
   * arrived for this long (a join storm keeps extending it)...
   */
  readonly batchWindowMs?: number;
  /** ...but never later than this after its first proposal. */
  readonly maxBatchDelayMs?: number;
  /**
   * A committer that has not committed after this long (plus `commitTimeoutPerProposalMs` for
   * each proposal it was asked to cover) is passed over for the next member.
   */
  readonly commitTimeoutMs?: number;
  readonly commitTimeoutPerProposalMs?: number;
  /** How often the delivery service asks for an update commit (key rotation). */
  readonly updateIntervalMs?: number;
  /** A socket silent for this long (no ping, no message) is timed out and removed. */
  readonly livenessTimeoutMs?: number;
  /**
   * A member whose socket dropped (or who has not reconnected since a restart) keeps its leaf for
   * this long, so it can resume with `join { resumeEpoch }`; then the server proposes its Remove.
   */
  readonly reconnectGraceMs?: number;
  /**
   * At shutdown (SIGTERM), how long joins stay refused while rooms finish queued work and
   * in-flight commits before the sockets close.
   */
  readonly shutdownGraceMs?: number;
  /** Time allowed between opening the socket and `hello`. */
  readonly helloTimeoutMs?: number;
  /**
   * How often a socket checks that its session still holds (signed out elsewhere, expired); a
   * socket whose session ended is closed and its participant removed. Sign-out and user deletion
   * through this server act at once; this catches expiry. 0 turns the periodic check off (every
   * `join` still checks).
   */
  readonly sessionCheckIntervalMs?: number;
  /**
   * How often every join waiting in the lobby is made again anyway, besides when its meeting
   * changes: a change told while a node's cluster link was down still lets its people in.
   * 0 turns it off (only the meeting's changes let people in).
   */
  readonly lobbyRecheckMs?: number;
  /** Canonical commits kept per group for members catching up. */
  readonly keptCommits?: number;
  /** Epochs an Add may go uncommitted before the joiner is turned away. */
  readonly maxProposalAttempts?: number;
  /** Largest WebSocket message accepted; a larger one closes the socket (1009). */
  readonly maxMessageBytes?: number;
  /**
   * Text messages a socket may send per second (sustained), and in a burst; a message costs one
   * more for every 64 KiB it carries.
   */
  readonly messagesPerSecond?: number;
  readonly messageBurst?: number;
  /** Bad messages tolerated per socket within `abuseWindowMs` before it is closed. */
  readonly maxBadMessages?: number;
  readonly abuseWindowMs?: number;
}

export type ResolvedRealtimeOptions = Required<RealtimeOptions>;

export const defaultRealtimeOptions: ResolvedRealtimeOptions = {
  batchWindowMs: 50,
  maxBatchDelayMs: 1_000,
  commitTimeoutMs: 3_000,
  // A large batch takes the committer longer (KeyPackage checks, the Welcome's encryptions); passing
  // over a committer that is merely busy makes two members do the same work.
  commitTimeoutPerProposalMs: 25,
  updateIntervalMs: 5 * 60_000,
  livenessTimeoutMs: 30_000,
  reconnectGraceMs: 30_000,
  shutdownGraceMs: 5_000,
  helloTimeoutMs: 10_000,
  sessionCheckIntervalMs: 60_000,
  lobbyRecheckMs: 15_000,
  keptCommits: 256,
  maxProposalAttempts: 3,
  // Commits with a Welcome for a large batch carry the ratchet tree; 4 MiB holds a few thousand
  // members. Media frames are at most 256 KiB (the relay refuses larger ones, counted).
  maxMessageBytes: 4 * 1024 * 1024,
  messagesPerSecond: 200,
  messageBurst: 400,
  maxBadMessages: 20,
  abuseWindowMs: 10_000,
};

export function resolveRealtimeOptions(options: RealtimeOptions = {}): ResolvedRealtimeOptions {
  const resolved = { ...defaultRealtimeOptions, ...definedOnly(options) };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isFinite(value) || value < 0)
      throw new RangeError(`realtime.${name} must be >= 0.`);
  }
  return resolved;
}

function definedOnly(options: RealtimeOptions): RealtimeOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}
