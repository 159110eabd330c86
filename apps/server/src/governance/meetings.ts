// Meetings (spec §4): every step asks the engine over the tenant's current facts, stores what it
// decided, and writes the decision to the audit log, accepted or refused. Policy changes reach a
// meeting when it is scheduled, changed or started, never silently in between.
import { randomUUID } from 'node:crypto';
import { decideOptionsChange, decideSchedule, decideStart } from '@conclave/policy';
import type {
  ExistingMeeting,
  MeetingDecision,
  MeetingOptions,
  MeetingRequest,
  Reason,
} from '@conclave/policy';
import type { MeetingRequestBody } from '@conclave/protocol';
import type { ErrorCode } from '@conclave/protocol';
import type { AppContext } from '../context.ts';
import { ServerError, conflict, notFound } from '../errors.ts';
import type { Session } from '../http/route.ts';
import type { MeetingRecord } from '../storage/records.ts';
import type { Store } from '../storage/store.ts';
import { actorOf } from '../audit/actor.ts';
import { byStanding, localTimeOf, standingOf, type Standing } from '../calendar/occurrences.ts';
import { requestedTime } from '../calendar/requested-time.ts';
import { loadFacts } from './facts.ts';

/** What the audit log keeps of a decision: the outcome, the E2EE state and every reason. */
export function decisionDetails(decision: MeetingDecision): Record<string, unknown> {
  return decision.outcome === 'scheduled'
    ? {
        outcome: decision.outcome,
        endToEndEncryption: decision.endToEndEncryption,
        reasons: decision.reasons,
      }
    : { outcome: decision.outcome, reasons: decision.reasons };
}

function refusal(code: ErrorCode, lead: string, reasons: Reason[]): ServerError {
  const errors = reasons.filter((reason) => reason.severity === 'error');
  const sentences = (errors.length > 0 ? errors : reasons).map((reason) => reason.message);
  return new ServerError(code, [lead, ...sentences].join(' '), { reasons });
}

function requestOf(body: MeetingRequestBody, organizer: string): MeetingRequest {
  return {
    type: body.type,
    organizer,
    ...(body.template === undefined ? {} : { template: body.template }),
    ...(body.label === undefined ? {} : { label: body.label }),
    options: body.options,
  };
}

function existing(meeting: MeetingRecord): ExistingMeeting {
  return {
    request: {
      type: meeting.type,
      organizer: meeting.organizer,
      ...(meeting.template === null ? {} : { template: meeting.template }),
      ...(meeting.label === null ? {} : { label: meeting.label }),
      options: meeting.options,
    },
    endToEndEncryption: meeting.decision.endToEndEncryption,
    options: meeting.options,
    state: meeting.state,
  };
}

export function meetingService(ctx: AppContext) {
  const { store, audit } = ctx;

  /** Unknown ids (of this tenant) are a 404 naming the field, before the engine is asked. */
  async function checkReferences(tenantId: string, body: MeetingRequestBody): Promise<void> {
    if (body.template !== undefined && !(await store.templates.get(tenantId, body.template))) {
      throw notFound('template', '$.template');
    }
    if (body.label !== undefined && !(await store.labels.get(tenantId, body.label))) {
      throw notFound('label', '$.label');
    }
    const known = await store.users.existing(tenantId, body.invitees);
    const unknown = body.invitees.findIndex((id) => !known.has(id));
    if (unknown >= 0) throw notFound('user', `$.invitees[${unknown}]`);
  }

  const record = (
    session: Session,
    kind: string,
    meetingId: string,
    details: Record<string, unknown>,
    tx?: Store,
  ) =>
    audit.record(
      {
        tenantId: session.tenantId,
        actor: actorOf(session.user),
        kind,
        subject: `meeting:${meetingId}`,
        details,
      },
      tx,
    );

  /**
   * The meeting if the caller may see it: its organizer, invitees and admins, and a colleague with
   * its link — who may wait in its lobby to be let in (governance.md §5) — unless it is for
   * invited people only. Other organizations' meetings do not exist for them.
   */
  async function visible(session: Session, id: string): Promise<MeetingRecord> {
    const meeting = await store.meetings.get(session.tenantId, id);
    const user = session.user;
    if (meeting === undefined) throw notFound('meeting');
    // A colleague who has the link is told why, not that the meeting does not exist (another
    // organization's meetings stay unknown: they are not in this tenant's store at all).
    if (
      meeting.options.onlyInvited === true &&
      meeting.organizer !== user.id &&
      !meeting.invitees.includes(user.id) &&
      user.role !== 'admin'
    ) {
      throw new ServerError('FORBIDDEN', 'You are not invited to this meeting.');
    }
    return meeting;
  }

  async function organized(session: Session, id: string): Promise<MeetingRecord> {
    const meeting = await visible(session, id);
    if (meeting.organizer !== session.user.id) {
      throw new ServerError(
        'FORBIDDEN',
        'Only the organizer can change, start or end this meeting.',
      );
    }
    return meeting;
  }

  /** For invitation changes: the organizer, or an admin of the tenant. */
  async function organizedOrAdmin(session: Session, id: string): Promise<MeetingRecord> {
    const meeting = await visible(session, id);
    if (meeting.organizer !== session.user.id && session.user.role !== 'admin') {
      throw new ServerError(
        'FORBIDDEN',
        'Only the organizer or an admin can change who is invited to this meeting.',
      );
    }
    return meeting;
  }

  async function save(
    session: Session,
    meeting: MeetingRecord,
    kind: string,
    details: Record<string, unknown>,
  ) {
    await store.transaction(async (tx) => {
      await tx.meetings.update(session.tenantId, meeting.id, meeting);
      await record(session, kind, meeting.id, details, tx);
    });
  }

  return {
    async preview(session: Session, body: MeetingRequestBody): Promise<MeetingDecision> {
      await checkReferences(session.tenantId, body);
      requestedTime(body, ctx.now());
      const facts = await loadFacts(store, session.tenantId);
      return decideSchedule(facts, requestOf(body, session.user.id));
    },

    async schedule(session: Session, body: MeetingRequestBody): Promise<MeetingRecord> {
      await checkReferences(session.tenantId, body);
      const facts = await loadFacts(store, session.tenantId);
      const request = requestOf(body, session.user.id);
      const time = requestedTime(body, ctx.now());
      const decision = decideSchedule(facts, request);
      const id = randomUUID();
      const asked = {
        subject: body.subject,
        type: body.type,
        template: body.template,
        label: body.label,
        options: body.options,
        start: localTimeOf(time.startAt, time.timeZone),
        timeZone: time.timeZone,
        durationMinutes: time.durationMinutes,
        recurrence: time.recurrence,
      };
      if (decision.outcome === 'rejected') {
        await record(session, 'meeting.rejected', id, {
          request: asked,
          ...decisionDetails(decision),
        });
        throw refusal('MEETING_REJECTED', 'The meeting was not scheduled.', decision.reasons);
      }
      const meeting: MeetingRecord = {
        id,
        subject: body.subject,
        type: body.type,
        organizer: session.user.id,
        template: body.template ?? null,
        label: body.label ?? null,
        options: body.options,
        invitees: body.invitees,
        state: 'scheduled',
        decision,
        createdAt: ctx.now(),
        startedAt: null,
        endedAt: null,
        ...time,
      };
      await store.transaction(async (tx) => {
        await tx.meetings.create(session.tenantId, meeting);
        await record(
          session,
          'meeting.scheduled',
          id,
          { request: asked, ...decisionDetails(decision) },
          tx,
        );
      });
      return meeting;
    },

    visible,

    /**
     * Meetings the caller organizes or is invited to, upcoming soonest first (a recurring one at
     * its next occurrence), then past most recent first; `when` keeps one of the two.
     */
    async list(session: Session, when?: Standing['when']): Promise<MeetingRecord[]> {
      const now = ctx.now();
      const listed = (await store.meetings.listForUser(session.tenantId, session.user.id)).map(
        (meeting) => ({
          meeting,
          id: meeting.id,
          standing: standingOf(meeting, meeting.state, meeting.endedAt, now),
        }),
      );
      return listed
        .filter((entry) => when === undefined || entry.standing.when === when)
        .sort(byStanding)
        .map((entry) => entry.meeting);
    },

    organizedOrAdmin,

    async changeOptions(
      session: Session,
      id: string,
      change: MeetingOptions,
    ): Promise<MeetingRecord> {
      const meeting = await organized(session, id);
      const facts = await loadFacts(store, session.tenantId);
      const decision = decideOptionsChange(facts, existing(meeting), change);
      if (decision.outcome === 'rejected') {
        await record(session, 'meeting.options.rejected', id, {
          change,
          ...decisionDetails(decision),
        });
        throw refusal(
          'MEETING_OPTIONS_REJECTED',
          'The options were not changed.',
          decision.reasons,
        );
      }
      const updated: MeetingRecord = {
        ...meeting,
        options: { ...meeting.options, ...change },
        decision,
      };
      await save(session, updated, 'meeting.options.changed', {
        change,
        ...decisionDetails(decision),
      });
      return updated;
    },

    async start(session: Session, id: string): Promise<MeetingRecord> {
      const meeting = await organized(session, id);
      const facts = await loadFacts(store, session.tenantId);
      const decision = decideStart(facts, existing(meeting));
      if (decision.outcome === 'rejected') {
        await record(session, 'meeting.start.refused', id, decisionDetails(decision));
        throw refusal('MEETING_START_REFUSED', 'The meeting did not start.', decision.reasons);
      }
      const updated: MeetingRecord = {
        ...meeting,
        state: 'started',
        decision,
        startedAt: ctx.now(),
      };
      await save(session, updated, 'meeting.started', decisionDetails(decision));
      return updated;
    },

    async end(session: Session, id: string): Promise<MeetingRecord> {
      const meeting = await organized(session, id);
      if (meeting.state === 'ended') throw conflict('The meeting has already ended.');
      const updated: MeetingRecord = { ...meeting, state: 'ended', endedAt: ctx.now() };
      await save(session, updated, 'meeting.ended', { from: meeting.state });
      return updated;
    },
  };
}
