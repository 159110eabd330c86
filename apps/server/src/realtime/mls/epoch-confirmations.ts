// A prepared transition (docs/media.md "Rekeying without a gap"): members keep sending media under
// the old epoch's keys until every receiver has the new ones. The delivery service knows who
// reached which epoch (their `epoch-reached`); once every connected member has reached the
// group's current epoch, it says so, once: `epoch-confirmed`. Members need not believe it — a
// false or missing confirmation costs a glitch, never a key — and move after a short bound anyway.
import type { ServerMessage } from '../signaling.ts';
import type { CommitterCandidate } from './commit-requests.ts';
import type { DeliveryHost } from './delivery-types.ts';
import type { GroupRecord } from './group-record.ts';
import type { Member } from './group.ts';

export class EpochConfirmations {
  readonly #meetingId: string;
  readonly #host: Pick<DeliveryHost, 'isConnected' | 'sendEach'>;
  /** The group's members by participant id (the group record's own map, kept current there). */
  readonly #members: ReadonlyMap<string, Member>;
  /** The newest epoch each member said it reached. */
  readonly #reached = new Map<string, bigint>();
  #confirmed: bigint | undefined;

  constructor(
    meetingId: string,
    host: Pick<DeliveryHost, 'isConnected' | 'sendEach'>,
    members: ReadonlyMap<string, Member>,
    private readonly onConfirmed: () => void = () => undefined,
  ) {
    this.#meetingId = meetingId;
    this.#host = host;
    this.#members = members;
  }

  /** Whether `epoch-confirmed` was said for `current`. */
  isConfirmed(current: bigint | undefined): boolean {
    return current !== undefined && this.#confirmed === current;
  }

  /** A member reached `epoch`; a claim past the group's `current` epoch is not believed. */
  reached(participantId: string, epoch: bigint, current: bigint | undefined): void {
    if (current === undefined || epoch > current) return;
    if (epoch > (this.#reached.get(participantId) ?? -1n)) this.#reached.set(participantId, epoch);
    this.check(current);
  }

  /** Whether `participantId` said it reached `epoch` (or a later one). */
  hasReached(participantId: string, epoch: bigint | undefined): boolean {
    return epoch !== undefined && (this.#reached.get(participantId) ?? -1n) >= epoch;
  }

  /**
   * The members who may be asked to commit — connected, not on their way out — and what the
   * server knows of each.
   */
  candidates(
    group: Pick<GroupRecord, 'staying'>,
    current: bigint | undefined,
  ): CommitterCandidate[] {
    const staying = group.staying((m) => this.#host.isConnected(m.participantId));
    return staying.map((m) => ({
      participantId: m.participantId,
      leafIndex: m.leafIndex,
      confirmed: m.confirmed,
      atCurrentEpoch: this.hasReached(m.participantId, current),
    }));
  }

  /** Says `epoch-confirmed` if every connected member reached `current` and it is not said yet. */
  check(current: bigint | undefined): void {
    if (current === undefined || this.#confirmed === current) return;
    for (const id of this.#reached.keys()) if (!this.#members.has(id)) this.#reached.delete(id);
    const connected = [...this.#members.values()].filter((m) =>
      this.#host.isConnected(m.participantId),
    );
    if (connected.length === 0) return;
    if (connected.some((m) => (this.#reached.get(m.participantId) ?? -1n) < current)) return;
    this.#confirmed = current;
    const message: ServerMessage = {
      type: 'epoch-confirmed',
      meetingId: this.#meetingId,
      epoch: current.toString(),
    };
    this.#host.sendEach(
      connected.map((m) => m.participantId),
      message,
    );
    this.onConfirmed();
  }
}
