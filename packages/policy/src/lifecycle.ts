// §4 after scheduling: later changes of options, and the re-check when a meeting starts.
// Policy changes take effect for meetings started afterwards (§2), so starting re-runs the rules;
// once started, E2EE itself is frozen for the meeting's life.
import {
  chosenOptions,
  featureConflicts,
  featureNotes,
  lockedOffFeatures,
  requestedFeatures,
} from './features.ts';
import { makeReason } from './reasons.ts';
import type { E2eeDemand } from './reasons.ts';
import { evaluateMeeting, labelName, templateName } from './rules.ts';
import type {
  ExistingMeeting,
  MeetingDecision,
  MeetingOptions,
  OrgFacts,
  Reason,
} from './types.ts';

export function decideOptionsChange(
  facts: OrgFacts,
  meeting: ExistingMeeting,
  change: MeetingOptions,
): MeetingDecision {
  switch (meeting.state) {
    case 'ended':
      return ended();
    case 'started':
      return changeStarted(facts, meeting, change);
    case 'scheduled': {
      const options: MeetingOptions = {
        ...chosenOptions(meeting.options),
        ...chosenOptions(change),
      };
      const keep =
        meeting.endToEndEncryption.enabled && change.endToEndEncryption !== false
          ? meeting.endToEndEncryption
          : undefined;
      return evaluateMeeting(
        facts,
        { ...meeting.request, options },
        keep ? { phase: 'change', keep } : { phase: 'change' },
      );
    }
  }
}

export function decideStart(facts: OrgFacts, meeting: ExistingMeeting): MeetingDecision {
  switch (meeting.state) {
    case 'ended':
      return ended();
    case 'started':
      return {
        outcome: 'rejected',
        reasons: [makeReason({ code: 'MEETING_ALREADY_STARTED', attempt: 'start' }, 'error')],
      };
    case 'scheduled': {
      const request = { ...meeting.request, options: meeting.options };
      const keep = meeting.endToEndEncryption;
      return evaluateMeeting(
        facts,
        request,
        keep.enabled ? { phase: 'start', keep } : { phase: 'start' },
      );
    }
  }
}

function ended(): MeetingDecision {
  return {
    outcome: 'rejected',
    reasons: [makeReason({ code: 'MEETING_NOT_FOUND', situation: 'ended' }, 'error')],
  };
}

/** A started meeting keeps its E2EE state; only the other options may change, within it. */
function changeStarted(
  facts: OrgFacts,
  meeting: ExistingMeeting,
  change: MeetingOptions,
): MeetingDecision {
  const current = meeting.endToEndEncryption;
  const errors: Reason[] = [];
  if (change.endToEndEncryption !== undefined && change.endToEndEncryption !== current.enabled) {
    errors.push(
      makeReason(
        {
          code: 'MEETING_ALREADY_STARTED',
          attempt: change.endToEndEncryption ? 'turn-on' : 'turn-off',
        },
        'error',
      ),
    );
  }
  const demand = demandBehind(facts, meeting);
  if (current.enabled) errors.push(...featureConflicts(change, demand));
  if (errors.length > 0) return { outcome: 'rejected', reasons: errors };

  const options: MeetingOptions = {
    ...chosenOptions(meeting.options),
    ...chosenOptions(change),
    endToEndEncryption: current.enabled,
  };
  return {
    outcome: 'scheduled',
    endToEndEncryption: current,
    features: current.enabled ? lockedOffFeatures() : requestedFeatures(options),
    reasons: [...lockNotes(facts, meeting), ...(current.enabled ? featureNotes(demand) : [])],
  };
}

/** What made this meeting E2EE, named as its messages should name it. */
function demandBehind(facts: OrgFacts, meeting: ExistingMeeting): E2eeDemand {
  const { source, locked } = meeting.endToEndEncryption;
  switch (source) {
    case 'label': {
      const label = facts.labels.find((l) => l.id === meeting.request.label);
      return {
        kind: 'label',
        label: label ? labelName(label) : (meeting.request.label ?? 'unknown'),
      };
    }
    case 'template': {
      const template = facts.templates.find((t) => t.id === meeting.request.template);
      const name = template ? templateName(template) : (meeting.request.template ?? 'unknown');
      return { kind: 'template', template: name, locked };
    }
    case 'organizer':
      return { kind: 'organizer' };
    case 'default':
      return { kind: 'existing' };
  }
}

function lockNotes(facts: OrgFacts, meeting: ExistingMeeting): Reason[] {
  const { enabled, locked, source } = meeting.endToEndEncryption;
  if (!locked) return [];
  const demand = demandBehind(facts, meeting);
  if (demand.kind === 'label') {
    return [
      makeReason(
        { code: 'E2EE_LOCKED_BY_LABEL', label: demand.label, situation: 'locked-on' },
        'info',
      ),
    ];
  }
  if (demand.kind === 'template' && source === 'template') {
    const situation = enabled ? 'locked-on' : 'locked-off';
    return [
      makeReason({ code: 'E2EE_LOCKED_BY_TEMPLATE', template: demand.template, situation }, 'info'),
    ];
  }
  return [];
}
