// Who is asked to commit an epoch, and who next: ONE member at a time — the connected member with
// the lowest leaf index, members that reached the current epoch first, then members that ever
// confirmed an epoch (they follow the group) — and, when it has not committed
// within the timeout (or is gone), the next one; after everyone, the first again. Each pass doubles
// the time the next member gets (up to MAX_BACKOFF times the first): a member that is merely slow
// — a device busy with a large commit, or every member of a 1,000-person storm at once — still
// commits what it was asked, and passing the request on sooner only has more members build the
// same commit, of which one is kept.
import { epochText } from '../bytes.ts';
import type { ServerClock, TimerHandle } from '../clock.ts';
import type { ServerMessage } from '../signaling.ts';
import { NO_WAITS, type BatchWait, type RequestWaits } from './batch-wait.ts';

/** The timeout grows to at most this multiple of the first one. */
const MAX_BACKOFF = 8;

export interface CommitterCandidate {
  readonly participantId: string;
  readonly leafIndex: number;
  /** It said it reached some epoch: it follows the group. */
  readonly confirmed: boolean;
  /**
   * It said it reached the group's current epoch, so it can build the next commit at once. A
   * member still processing the last commit cannot: at 1,000 members, asking them in leaf order
   * after a large commit cost 21 minutes of time-outs before one could.
   */
  readonly atCurrentEpoch: boolean;
}

/** Higher is asked first. */
function rank(candidate: CommitterCandidate): number {
  return (candidate.atCurrentEpoch ? 2 : 0) + (candidate.confirmed ? 1 : 0);
}

export interface CommitRequestDeps {
  readonly meetingId: string;
  readonly timeoutMs: number;
  readonly timeoutPerProposalMs: number;
  readonly clock: ServerClock;
  send(participantId: string, message: ServerMessage): void;
  /** Runs `task` in the room's queue (how the timer gets back in). */
  enqueue(task: () => void): void;
  /** Members that may commit now: connected, and not on their way out. */
  candidates(): Iterable<CommitterCandidate>;
  /** The committer let the timeout pass; the next member is asked. */
  timedOut(epoch: bigint): void;
}

interface InFlight {
  readonly epoch: bigint;
  readonly reason: 'proposals' | 'update';
  /**
   * How long the proposals asked for waited (a measurement): the batch's, said to the committer,
   * and each joiner's, said with the Welcome. Measured when the request was first made: a member
   * asked later in its place (`next`) does not add to them — that time is a committer's, not the
   * batch's.
   */
  readonly waits: RequestWaits;
  /** The first member's time; later ones get more (MAX_BACKOFF). */
  readonly timeoutMs: number;
  /** The current member's time. */
  currentTimeoutMs: number;
  committer: string;
  readonly tried: Set<string>;
  timer: TimerHandle;
}

export class CommitRequests {
  private inFlight: InFlight | undefined;
  /**
   * Everyone asked to commit `askedEpoch`, across requests: a member asked a while ago may still
   * be working on its commit (a busy device in a join storm), and committing what it was asked to
   * is no offence. Anyone else committing that epoch is.
   */
  private askedEpoch: bigint | undefined;
  private readonly askedMembers = new Set<string>();

  constructor(private readonly deps: CommitRequestDeps) {}

  /** The member asked to commit, while a request is open. */
  get committer(): string | undefined {
    return this.inFlight?.committer;
  }

  get open(): boolean {
    return this.inFlight !== undefined;
  }

  /** Whether `participantId` was asked to commit `epoch` (first, or as a fallback). */
  asked(participantId: string, epoch: bigint): boolean {
    return this.askedEpoch === epoch && this.askedMembers.has(participantId);
  }

  /**
   * Each joiner's own wait, as the open request for `epoch` measured it: for the Welcome of the
   * commit that answers it. Empty if no request for `epoch` is open.
   */
  joinerWaits(epoch: bigint): ReadonlyMap<string, BatchWait> {
    return this.inFlight?.epoch === epoch ? this.inFlight.waits.joiners : NO_WAITS.joiners;
  }

  /**
   * Asks one member to commit `epoch` (covering `proposals` proposals); nothing if no member can
   * (a later connect asks again). `waits`: how long they waited for this.
   */
  request(
    epoch: bigint,
    reason: 'proposals' | 'update',
    proposals = 0,
    waits: RequestWaits = NO_WAITS,
  ): void {
    this.clear();
    const committer = this.pick(new Set());
    if (committer === undefined) return;
    const timeoutMs = this.deps.timeoutMs + proposals * this.deps.timeoutPerProposalMs;
    const inFlight: InFlight = {
      epoch,
      reason,
      waits,
      timeoutMs,
      currentTimeoutMs: timeoutMs,
      committer,
      tried: new Set([committer]),
      timer: this.timer(epoch, timeoutMs),
    };
    this.inFlight = inFlight;
    this.send(inFlight);
  }

  /** The committer did not commit in time, or left: ask the next member. */
  next(): void {
    const inFlight = this.inFlight;
    if (inFlight === undefined) return;
    this.deps.clock.clearTimeout(inFlight.timer);
    let next = this.pick(inFlight.tried);
    if (next === undefined) {
      inFlight.tried.clear();
      next = this.pick(inFlight.tried);
    }
    if (next === undefined) {
      this.inFlight = undefined;
      return;
    }
    inFlight.committer = next;
    inFlight.tried.add(next);
    inFlight.currentTimeoutMs = Math.min(
      inFlight.currentTimeoutMs * 2,
      inFlight.timeoutMs * MAX_BACKOFF,
    );
    inFlight.timer = this.timer(inFlight.epoch, inFlight.currentTimeoutMs);
    this.send(inFlight);
  }

  /** The epoch's commit arrived (or the group is gone). */
  clear(): void {
    if (this.inFlight !== undefined) this.deps.clock.clearTimeout(this.inFlight.timer);
    this.inFlight = undefined;
  }

  private pick(exclude: ReadonlySet<string>): string | undefined {
    let best: CommitterCandidate | undefined;
    for (const member of this.deps.candidates()) {
      if (exclude.has(member.participantId)) continue;
      if (
        best === undefined ||
        rank(member) > rank(best) ||
        (rank(member) === rank(best) && member.leafIndex < best.leafIndex)
      ) {
        best = member;
      }
    }
    return best?.participantId;
  }

  private timer(epoch: bigint, timeoutMs: number): TimerHandle {
    return this.deps.clock.setTimeout(() => {
      this.deps.enqueue(() => {
        if (this.inFlight?.epoch !== epoch) return;
        this.deps.timedOut(epoch);
        this.next();
      });
    }, timeoutMs);
  }

  private send(inFlight: InFlight): void {
    if (this.askedEpoch !== inFlight.epoch) {
      this.askedEpoch = inFlight.epoch;
      this.askedMembers.clear();
    }
    this.askedMembers.add(inFlight.committer);
    this.deps.send(inFlight.committer, {
      type: 'commit-request',
      meetingId: this.deps.meetingId,
      epoch: epochText(inFlight.epoch),
      reason: inFlight.reason,
      ...(inFlight.waits.batch === undefined
        ? {}
        : { waitedMs: inFlight.waits.batch.waitedMs, blockedMs: inFlight.waits.batch.blockedMs }),
    });
  }
}
