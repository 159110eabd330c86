// A small organization run through the real governance engine, so the web's reading of decisions
// is tested against what the server will actually send, not against hand-written guesses.
import { decideSchedule } from '@conclave/policy';
import type { MeetingDecision, OrgFacts } from '@conclave/policy';
import type { MeetingRequest } from '../src/api/types.ts';

export function organization(change: (facts: OrgFacts) => void = () => {}): OrgFacts {
  const facts: OrgFacts = {
    tenant: {
      e2ee: { maxParticipants: 200, clients: { blocked: ['vdi', 'cvi', 'phone'], minVersion: {} } },
    },
    users: [
      { id: 'olivia', premium: true, groups: [], settings: { e2eeCalls: false } },
      { id: 'basil', premium: false, groups: [], settings: { e2eeCalls: false } },
    ],
    groups: [],
    policies: [
      {
        name: 'Global',
        meetingEndToEndEncryption: 'DisabledUserOverride',
        callingEndToEndEncryption: 'Disabled',
      },
    ],
    assignments: [],
    complianceRecording: [],
    templates: [
      {
        id: 'sensitive',
        name: 'Sensitive',
        options: { endToEndEncryption: { value: true, locked: true } },
      },
      {
        id: 'open',
        name: 'Open',
        options: {
          endToEndEncryption: { value: false, locked: true },
          recording: { value: true, locked: true },
        },
      },
      {
        id: 'private-by-default',
        name: 'Private by default',
        options: { endToEndEncryption: { value: true, locked: false } },
      },
    ],
    labels: [
      { id: 'hc', name: 'Highly confidential', meeting: { endToEndEncryption: 'apply' } },
      { id: 'general', name: 'General', meeting: { endToEndEncryption: 'dontApply' } },
    ],
  };
  change(facts);
  return facts;
}

export function disableGlobalMeetingE2ee(facts: OrgFacts): void {
  const global = facts.policies.find((p) => p.name === 'Global');
  if (global) global.meetingEndToEndEncryption = 'Disabled';
}

/** A preview endpoint that answers as the server would, and records what it was asked. */
export function fakePreview(facts: OrgFacts, organizer: string) {
  const asked: MeetingRequest[] = [];
  const preview = (request: MeetingRequest): Promise<MeetingDecision> => {
    asked.push(request);
    return Promise.resolve(
      decideSchedule(facts, {
        type: request.type ?? 'meeting',
        organizer,
        ...(request.template === undefined ? {} : { template: request.template }),
        ...(request.label === undefined ? {} : { label: request.label }),
        options: request.options ?? {},
      }),
    );
  };
  return { preview, asked };
}
