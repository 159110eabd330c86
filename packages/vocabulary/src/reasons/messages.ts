// Every reason's help-desk sentence (governance spec §7). Callers describe what happened as a
// typed detail (details.ts); this file is the only place that turns it into words, so the wording
// stays consistent. Sentences name labels, templates, policies, options and platforms, and refer
// to people only by their role (organizer, participant, caller, callee): a message never carries a
// user's id.
import { meetingTypeNames, optionNames, platformNames, settingNames } from '../names.ts';
import type { Platform } from '../words.ts';
import type { ReasonCode } from './codes.ts';
import type {
  ClientProblem,
  E2eeDemand,
  EligibilityEffect,
  Phase,
  ReasonDetail,
} from './details.ts';

/** The help-desk sentence for one reason. */
export function describeReason(detail: ReasonDetail): string {
  switch (detail.code) {
    case 'E2EE_UNSUPPORTED_MEETING_TYPE': {
      const type = meetingTypeNames[detail.meetingType].many;
      return withEffect(
        `End-to-end encryption is not available for ${type}; only meetings and channel meetings can be end-to-end encrypted.`,
        detail.effect,
      );
    }
    case 'E2EE_REQUIRES_PREMIUM':
      return withEffect(
        'The organizer does not have the Premium licence that end-to-end encrypted meetings need.',
        detail.effect,
      );
    case 'E2EE_POLICY_DISABLED':
      return withEffect(
        detail.missing
          ? `The encryption policy '${detail.policy}' assigned to the organizer does not exist, so end-to-end encrypted meetings are treated as not allowed.`
          : `The organizer's encryption policy '${detail.policy}' does not allow end-to-end encrypted meetings (meeting setting: ${settingNames.Disabled}).`,
        detail.effect,
      );
    case 'COMPLIANCE_RECORDING_BLOCKS_E2EE':
      return complianceMessage(detail);
    case 'TEMPLATE_REQUIRES_E2EE':
      return `The template '${detail.template}' requires end-to-end encryption, but this organizer cannot hold end-to-end encrypted meetings (see the other reasons), so ${consequence(detail.phase)}.`;
    case 'E2EE_LOCKED_BY_LABEL':
      return labelLockMessage(detail);
    case 'E2EE_LOCKED_BY_TEMPLATE':
      return templateLockMessage(detail);
    case 'FEATURE_UNAVAILABLE_IN_E2EE': {
      const option = optionNames[detail.option];
      if (!detail.refused) {
        return `${option} is unavailable because this meeting is end-to-end encrypted; ${requirerOf(detail.demand)}.`;
      }
      const turnOff =
        detail.demand.kind === 'organizer' ||
        (detail.demand.kind === 'template' && !detail.demand.locked)
          ? ' To use it, turn end-to-end encryption off.'
          : '';
      return `${option} cannot be turned on: it is unavailable in end-to-end encrypted meetings, and ${demandOf(detail.demand, false)}.${turnOff}`;
    }
    case 'MEETING_ALREADY_STARTED':
      return detail.attempt === 'start'
        ? 'This meeting has already started.'
        : `End-to-end encryption cannot be turned ${detail.attempt === 'turn-on' ? 'on' : 'off'} once the meeting has started.`;
    case 'CLIENT_NOT_SUPPORTED':
      return `${clientProblem(detail.platform, detail.version, detail.problem)} ${clientRemedy(detail.remedies)}`;
    case 'POST_QUANTUM_REQUIRED': {
      const by =
        detail.requiredBy.kind === 'tenant'
          ? "this organization's setting"
          : `the sensitivity label '${detail.requiredBy.label}'`;
      return detail.situation === 'required'
        ? `This meeting uses post-quantum end-to-end encryption (X-Wing hybrid MLS with SFrame AES-256-GCM); ${by} requires it.`
        : `This meeting requires post-quantum end-to-end encryption (${by} requires it), and this app cannot do it, so it cannot join; it is never joined with weaker encryption. Update Conclave or use a browser with the current version.`;
    }
    case 'MEETING_FULL':
      return `This end-to-end encrypted meeting already has ${detail.maxParticipants} participants, the most this organization allows, so no one else can join.`;
    case 'MEETING_NOT_FOUND':
      return detail.situation === 'ended'
        ? 'This meeting has ended, so it can no longer be changed or started.'
        : 'This meeting does not exist or could not be scheduled, so it cannot be joined.';
    case 'CALL_E2EE_DISABLED_BY_POLICY': {
      const [first, second] = detail.sides;
      if (first && second && first.policy === second.policy && !first.missing && !second.missing) {
        return `The encryption policy '${first.policy}' of both the caller and the callee does not allow end-to-end encrypted calls (calling setting: ${settingNames.Disabled}). This call uses standard encryption.`;
      }
      const sentences = detail.sides.map(({ side, policy, missing }) =>
        missing
          ? `The encryption policy '${policy}' assigned to the ${side} does not exist, so end-to-end encrypted calls are treated as not allowed.`
          : `The ${side}'s encryption policy '${policy}' does not allow end-to-end encrypted calls (calling setting: ${settingNames.Disabled}).`,
      );
      return `${sentences.join(' ')} This call uses standard encryption.`;
    }
    case 'CALL_E2EE_OFF_IN_USER_SETTINGS':
      return detail.sides.length > 1
        ? 'Neither the caller nor the callee has turned on end-to-end encrypted calls in their settings, so this call uses standard encryption.'
        : `The ${detail.sides[0] ?? 'caller'} has not turned on end-to-end encrypted calls in their settings, so this call uses standard encryption.`;
    case 'MEETING_NOT_STARTED':
      return 'Waiting for the organizer to start the meeting. You will be let in as soon as it starts.';
    case 'AWAITING_ADMISSION':
      return detail.by === 'caller'
        ? "Waiting for the caller's device to sign you into this end-to-end encrypted call. You will join as soon as it does."
        : 'Waiting for the organizer to let you in. You will join as soon as they do.';
    case 'DENIED_BY_ORGANIZER':
      return 'The organizer did not let you into this meeting.';
    case 'NOT_INVITED':
      return 'You are not invited to this meeting.';
    case 'REMOVED_BY_ORGANIZER':
      return 'You were removed from this meeting by the organizer, so you cannot join it again while it runs.';
    case 'REFUSED_BY_MEMBERS':
      return "The participants' apps did not accept this device's identity (they may not admit its person to this meeting, or its key does not match the directory or the key they saw for it before), so it cannot join this end-to-end encrypted meeting.";
  }
}

type DetailOf<C extends ReasonCode> = Extract<ReasonDetail, { code: C }>;

function complianceMessage(detail: DetailOf<'COMPLIANCE_RECORDING_BLOCKS_E2EE'>): string {
  switch (detail.subject) {
    case 'organizer':
      return withEffect(
        'The organizer is under compliance recording, and compliance recording cannot capture end-to-end encrypted meetings.',
        detail.effect,
      );
    case 'participant':
      return 'This participant is under compliance recording, which cannot capture end-to-end encrypted meetings, so they cannot join this one.';
    case 'call': {
      const who =
        detail.sides.length > 1
          ? 'Both the caller and the callee are'
          : `The ${detail.sides[0] ?? 'caller'} is`;
      return `${who} under compliance recording, which cannot capture end-to-end encrypted calls, so this call uses standard encryption.`;
    }
  }
}

function labelLockMessage(detail: DetailOf<'E2EE_LOCKED_BY_LABEL'>): string {
  switch (detail.situation) {
    case 'locked-on':
      return `End-to-end encryption is on and locked by the sensitivity label '${detail.label}'; the organizer cannot turn it off.`;
    case 'refused-off':
      return `The sensitivity label '${detail.label}' locks end-to-end encryption on, so it cannot be turned off for this meeting.`;
    case 'unknown':
      return `The sensitivity label '${detail.label}' does not exist in this organization, so the meeting cannot use it.`;
  }
}

function templateLockMessage(detail: DetailOf<'E2EE_LOCKED_BY_TEMPLATE'>): string {
  const template = `the template '${detail.template}'`;
  switch (detail.situation) {
    case 'locked-on':
      return `End-to-end encryption is on and locked by ${template}; the organizer cannot turn it off.`;
    case 'locked-off':
      return `End-to-end encryption is off and locked by ${template}; the organizer cannot turn it on.`;
    case 'refused-off':
      return `${capitalize(template)} locks end-to-end encryption on, so it cannot be turned off for this meeting.`;
    case 'refused-on':
      return `${capitalize(template)} locks end-to-end encryption off, so it cannot be turned on for this meeting; use a template that allows it.`;
    case 'now-off':
      return `${capitalize(template)} now locks end-to-end encryption off, but this meeting is end-to-end encrypted, so ${consequence(detail.phase)}.`;
    case 'unknown':
      return `${capitalize(template)} does not exist in this organization, so the meeting cannot use it.`;
  }
}

function consequence(phase: Phase): string {
  switch (phase) {
    case 'schedule':
      return 'the meeting cannot be scheduled; it is never scheduled unencrypted instead';
    case 'change':
      return 'this change cannot be saved; the meeting never loses its encryption silently';
    case 'start':
      return 'the meeting cannot start; it never starts unencrypted';
  }
}

/** Who makes the meeting E2EE, as a clause: "the template 'Sensitive' requires end-to-end encryption". */
function demandOf(demand: E2eeDemand, capital: boolean): string {
  let clause: string;
  switch (demand.kind) {
    case 'label':
      clause = `the organizer's sensitivity label '${demand.label}' requires end-to-end encryption`;
      break;
    case 'template':
      clause = demand.locked
        ? `the template '${demand.template}' requires end-to-end encryption`
        : `the template '${demand.template}' turns end-to-end encryption on by default`;
      break;
    case 'organizer':
      clause = 'end-to-end encryption was requested for this meeting';
      break;
    case 'existing':
      clause = 'this meeting is end-to-end encrypted';
      break;
  }
  return capital ? capitalize(clause) : clause;
}

/** Why the meeting is E2EE, short form for "X is unavailable because …; <this>". */
function requirerOf(demand: E2eeDemand): string {
  switch (demand.kind) {
    case 'label':
      return `the organizer's sensitivity label '${demand.label}' requires it`;
    case 'template':
      return demand.locked
        ? `the template '${demand.template}' requires it`
        : `the template '${demand.template}' turns it on by default`;
    case 'organizer':
      return 'the organizer turned it on';
    case 'existing':
      return 'it was set when the meeting was scheduled';
  }
}

function withEffect(cause: string, effect: EligibilityEffect): string {
  switch (effect.kind) {
    case 'check':
      return cause;
    case 'blocks':
      return `${cause} ${demandOf(effect.demand, true)}, so ${consequence(effect.phase)}.`;
    case 'turns-off':
      return `${cause} End-to-end encryption is therefore off for this meeting, although the template '${effect.template}' turns it on by default.`;
  }
}

function clientProblem(platform: Platform, reported: string, problem: ClientProblem): string {
  const name = platformNames[platform];
  const version = reported === '' ? '(version unknown)' : reported;
  switch (problem.kind) {
    case 'blocked':
      return problem.byTenant
        ? `This organization does not allow ${name} in end-to-end encrypted meetings.`
        : `${capitalize(name)} cannot join end-to-end encrypted meetings.`;
    case 'no-e2ee-media':
      return `This version of ${name} (${reported === '' ? 'unknown' : reported}) cannot handle end-to-end encrypted media, so it cannot join end-to-end encrypted meetings.`;
    case 'too-old':
      return `${capitalize(name)} ${version} cannot join end-to-end encrypted meetings: this organization requires version ${problem.minimum} or later.`;
  }
}

function clientRemedy(remedies: readonly string[]): string {
  if (remedies.length === 0) {
    return 'No client this organization allows can join end-to-end encrypted meetings; ask an admin.';
  }
  // "A, or B": a plain "A or B" reads wrongly when A itself ends in "or later".
  const last = remedies[remedies.length - 1];
  const list = remedies.length === 1 ? last : `${remedies.slice(0, -1).join(', ')}, or ${last}`;
  return `Join with ${list} instead.`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
