// Members' alarms about an Add no organizer admitted (spec/e2ee.md invariant 10): each member whose
// authentication service refuses an Add because no signed admission covers the joiner reports it
// (`proposal-rejected`, reason `not_admitted`). The server writes one audit entry per proposal —
// not one per member — after a short window in which the other members' reports are counted, so
// an admin sees that it happened, whom it was about (when the server knows the proposal) and how
// many members raised the alarm.
import type { AuditLog } from '../../audit/audit-log.ts';
import type { Logger } from '../../log.ts';
import type { ServerClock } from '../clock.ts';
import type { JoinTarget } from '../admission.ts';

/** How long the other members' reports of the same proposal are gathered before the entry. */
export const REPORT_WINDOW_MS = 1_000;
/** Proposals gathered at once, and audited ones remembered: bounds what members can make us hold. */
const MAX_OPEN = 64;
const MAX_DONE = 1_024;

export interface UnadmittedReport {
  readonly proposalId: string;
  readonly reporter: string;
  readonly epoch: bigint;
  /** Whom the Add would add, if the proposal is one the server made. */
  readonly userId?: string;
}

interface Open {
  readonly reporters: Set<string>;
  readonly epoch: bigint;
  readonly userId: string | undefined;
}

export class UnadmittedReports {
  private readonly open = new Map<string, Open>();
  private readonly done = new Set<string>();

  constructor(
    private readonly target: JoinTarget,
    private readonly deps: {
      readonly audit: AuditLog;
      readonly clock: ServerClock;
      readonly log: Logger;
      /** Runs the entry's write in the room's queue. */
      readonly enqueue: (task: () => Promise<void>) => void;
    },
  ) {}

  report(report: UnadmittedReport): void {
    if (this.done.has(report.proposalId)) return;
    const gathering = this.open.get(report.proposalId);
    if (gathering !== undefined) {
      gathering.reporters.add(report.reporter);
      return;
    }
    if (this.open.size >= MAX_OPEN) return;
    this.open.set(report.proposalId, {
      reporters: new Set([report.reporter]),
      epoch: report.epoch,
      userId: report.userId,
    });
    this.deps.clock.setTimeout(
      () => this.deps.enqueue(() => this.write(report.proposalId)),
      REPORT_WINDOW_MS,
    );
  }

  private async write(proposalId: string): Promise<void> {
    const gathered = this.open.get(proposalId);
    if (gathered === undefined) return;
    this.open.delete(proposalId);
    this.done.add(proposalId);
    if (this.done.size > MAX_DONE) this.done.delete(this.done.values().next().value as string);
    const { tenantId, kind, meetingId } = this.target;
    try {
      await this.deps.audit.record({
        tenantId,
        actor: null,
        kind: 'meeting.unadmitted_add_refused',
        subject: `${kind}:${meetingId}`,
        details: {
          ...(gathered.userId === undefined ? {} : { user: gathered.userId }),
          epoch: Number(gathered.epoch),
          reports: gathered.reporters.size,
        },
      });
    } catch {
      this.deps.log.error('audit of an unadmitted add failed', { meeting: meetingId });
    }
  }
}
