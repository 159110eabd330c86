// The organization most tests ask about. User ids carry digits so a test can tell for certain
// that no message ever contains one.
import { defaultTenantE2eeSettings } from '../src/index.ts';
import type {
  ExistingMeeting,
  MeetingDecision,
  MeetingRequest,
  OrgFacts,
  Reason,
  ReasonCode,
  UserFacts,
} from '../src/index.ts';
import { decideSchedule } from '../src/index.ts';

export const ids = {
  /** Premium, not recorded, Global policy: may hold E2EE meetings. */
  alice: 'alice1',
  /** No premium licence. */
  bob: 'bob2',
  /** Premium, under compliance recording through group legal. */
  carol: 'carol3',
  /** Premium, policy NoE2EE through group finance. */
  dave: 'dave4',
  /** Fails everything: no premium, in finance and legal. */
  erin: 'erin5',
} as const;

export const allUserIds: readonly string[] = Object.values(ids);

export function user(id: string, parts: Partial<UserFacts> = {}): UserFacts {
  return { id, premium: false, groups: [], settings: { e2eeCalls: false }, ...parts };
}

export function org(parts: Partial<OrgFacts> = {}): OrgFacts {
  return {
    tenant: { e2ee: defaultTenantE2eeSettings() },
    users: [
      user(ids.alice, { premium: true, settings: { e2eeCalls: true } }),
      user(ids.bob, { settings: { e2eeCalls: true } }),
      user(ids.carol, { premium: true, groups: ['legal'], settings: { e2eeCalls: true } }),
      user(ids.dave, { premium: true, groups: ['finance'], settings: { e2eeCalls: true } }),
      user(ids.erin, { groups: ['finance', 'legal'] }),
    ],
    groups: [{ id: 'finance' }, { id: 'legal' }],
    policies: [
      {
        name: 'NoE2EE',
        meetingEndToEndEncryption: 'Disabled',
        callingEndToEndEncryption: 'Disabled',
      },
    ],
    assignments: [{ policy: 'NoE2EE', group: 'finance', rank: 1 }],
    complianceRecording: [{ policy: 'Record legal', group: 'legal' }],
    templates: [
      {
        id: 'sensitive',
        name: 'Sensitive',
        options: { endToEndEncryption: { value: true, locked: true } },
      },
      {
        id: 'suggested',
        name: 'Encrypted by default',
        options: { endToEndEncryption: { value: true, locked: false } },
      },
      {
        id: 'townhall',
        name: 'Big broadcast',
        options: { endToEndEncryption: { value: false, locked: true } },
      },
      { id: 'blank', name: 'Blank', options: {} },
    ],
    labels: [
      {
        id: 'hc',
        name: 'Highly confidential',
        meeting: { endToEndEncryption: 'apply' },
      },
      { id: 'general', name: 'General', meeting: { endToEndEncryption: 'dontApply' } },
    ],
    ...parts,
  };
}

export function request(organizer: string, parts: Partial<MeetingRequest> = {}): MeetingRequest {
  return { type: 'meeting', organizer, options: {}, ...parts };
}

export function codes(reasons: readonly Reason[]): ReasonCode[] {
  return reasons.map((reason) => reason.code);
}

/** Codes of the reasons that matter to the outcome, leaving out the per-option notes. */
export function notableCodes(decision: MeetingDecision): ReasonCode[] {
  return decision.reasons
    .filter((r) => !(r.code === 'FEATURE_UNAVAILABLE_IN_E2EE' && r.severity === 'info'))
    .map((r) => r.code);
}

/** A meeting as the server would hold it after scheduling; fails the test if it was refused. */
export function scheduled(facts: OrgFacts, req: MeetingRequest): ExistingMeeting {
  const decision = decideSchedule(facts, req);
  if (decision.outcome !== 'scheduled') {
    throw new Error(`expected the meeting to be scheduled: ${JSON.stringify(decision.reasons)}`);
  }
  return {
    request: req,
    endToEndEncryption: decision.endToEndEncryption,
    options: { ...req.options },
    state: 'scheduled',
  };
}
