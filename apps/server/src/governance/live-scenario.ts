// The what-if against the live organization: its facts as they are now, written as a `policy
// explain` scenario (spec §8) with one meeting and one join added. The engine then answers with
// the same rules as for a pasted scenario, and the admin gets the scenario back to edit — change a
// policy or an assignment and run it again to see the effect of a change before making it.
import { incompatibleOptions, scenarioOf } from '@conclave/policy';
import type { Scenario } from '@conclave/policy';
import type { LiveExplainRequest } from '@conclave/protocol';
import { conflict, notFound } from '../errors.ts';
import type { MeetingRecord } from '../storage/records.ts';
import type { Store } from '../storage/store.ts';
import { loadFacts } from './facts.ts';

/** The meeting id a new meeting gets in the scenario; no stored meeting id looks like it. */
export const newMeetingId = 'new-meeting';

type ScenarioMeeting = NonNullable<Scenario['meetings']>[number];

export async function liveScenario(
  store: Store,
  tenantId: string,
  request: LiveExplainRequest,
): Promise<Scenario> {
  const facts = await loadFacts(store, tenantId);
  if (!facts.users.some((user) => user.id === request.user)) throw notFound('user', '$.user');
  const meeting =
    request.meeting === undefined
      ? newMeeting(request.user)
      : await storedMeeting(store, tenantId, request.meeting);
  if (!facts.users.some((user) => user.id === meeting.organizer)) {
    throw conflict("This meeting's organizer is no longer in the organization.");
  }
  return {
    description:
      request.meeting === undefined
        ? 'The organization as it is now, and a new end-to-end encrypted meeting'
        : 'The organization as it is now, and one of its meetings',
    ...scenarioOf(facts),
    meetings: [meeting],
    joins: [{ meeting: meeting.id, user: request.user, client: request.client }],
  };
}

function newMeeting(organizer: string): ScenarioMeeting {
  return { id: newMeetingId, type: 'meeting', organizer, options: { endToEndEncryption: true } };
}

/**
 * A stored meeting as the organizer asked for it (type, template, label, options), so the engine
 * decides it afresh under today's rules. Who may enter (the invitation list, the lobby) is not a
 * governance matter and the scenario does not model it (spec §8).
 */
async function storedMeeting(store: Store, tenantId: string, id: string): Promise<ScenarioMeeting> {
  const meeting = await store.meetings.get(tenantId, id);
  if (meeting === undefined) throw notFound('meeting', '$.meeting');
  return {
    id: meeting.id,
    type: meeting.type,
    organizer: meeting.organizer,
    ...(meeting.template === null ? {} : { template: meeting.template }),
    ...(meeting.label === null ? {} : { label: meeting.label }),
    options: governedOptions(meeting),
  };
}

function governedOptions(meeting: MeetingRecord): NonNullable<ScenarioMeeting['options']> {
  const options: NonNullable<ScenarioMeeting['options']> = {};
  const e2ee = meeting.options.endToEndEncryption;
  if (typeof e2ee === 'boolean') options.endToEndEncryption = e2ee;
  for (const option of incompatibleOptions) {
    const value = meeting.options[option];
    if (typeof value === 'boolean') options[option] = value;
  }
  return options;
}
