// The twelve options that cannot exist in an E2EE meeting (§1, §4): all off and locked while
// E2EE is on, and an explicit request to turn one on refuses the whole request.
import { makeReason } from './reasons.ts';
import type { E2eeDemand } from './reasons.ts';
import { incompatibleOptions } from './types.ts';
import type { FeatureState, IncompatibleOption, MeetingOptions, Reason } from './types.ts';

export type FeatureMap = Partial<Record<IncompatibleOption, FeatureState>>;

export function lockedOffFeatures(): FeatureMap {
  const features: FeatureMap = {};
  for (const option of incompatibleOptions) {
    features[option] = { enabled: false, locked: true, reason: 'FEATURE_UNAVAILABLE_IN_E2EE' };
  }
  return features;
}

/** The options actually chosen: `undefined` means "not chosen" and must not erase a choice. */
export function chosenOptions(options: MeetingOptions): MeetingOptions {
  const chosen: MeetingOptions = {};
  if (options.endToEndEncryption !== undefined)
    chosen.endToEndEncryption = options.endToEndEncryption;
  if (options.onlyInvited !== undefined) chosen.onlyInvited = options.onlyInvited;
  for (const option of incompatibleOptions) {
    const value = options[option];
    if (value !== undefined) chosen[option] = value;
  }
  return chosen;
}

/** Without E2EE the options are the organizer's to set; only the ones they set are reported. */
export function requestedFeatures(options: MeetingOptions): FeatureMap {
  const features: FeatureMap = {};
  for (const option of incompatibleOptions) {
    const value = options[option];
    if (value !== undefined) features[option] = { enabled: value, locked: false };
  }
  return features;
}

/** One error per incompatible option the request turns on, in §1 order. */
export function featureConflicts(options: MeetingOptions, demand: E2eeDemand): Reason[] {
  return incompatibleOptions
    .filter((option) => options[option] === true)
    .map((option) =>
      makeReason({ code: 'FEATURE_UNAVAILABLE_IN_E2EE', option, demand, refused: true }, 'error'),
    );
}

/** The sentence behind each locked option, so a help desk can answer "why is recording greyed out?". */
export function featureNotes(demand: E2eeDemand): Reason[] {
  return incompatibleOptions.map((option) =>
    makeReason({ code: 'FEATURE_UNAVAILABLE_IN_E2EE', option, demand, refused: false }, 'info'),
  );
}
