// A template that locks end-to-end encryption on cannot also turn on an option E2EE makes
// unavailable (§1, §4): every meeting scheduled with it would be refused, so the template itself
// is refused, with one reason per such option.
import { optionNames } from './display.ts';
import { featureConflicts } from './features.ts';
import type { IncompatibleOption, MeetingOptions, Reason } from './types.ts';

export interface TemplateOptionsView {
  readonly [option: string]: { readonly value: boolean; readonly locked: boolean } | undefined;
}

export interface TemplateConflict {
  /** One sentence: "The template 'X' locks end-to-end encryption on, so it cannot also turn on …". */
  readonly message: string;
  readonly reasons: Reason[];
}

export function templateConflicts(template: {
  readonly name: string;
  readonly options: TemplateOptionsView;
}): TemplateConflict | undefined {
  const e2ee = template.options['endToEndEncryption'];
  if (e2ee?.value !== true || !e2ee.locked) return undefined;
  const turnedOn: MeetingOptions = {};
  for (const [option, setting] of Object.entries(template.options)) {
    if (option !== 'endToEndEncryption' && setting?.value === true)
      (turnedOn as Record<string, boolean>)[option] = true;
  }
  const reasons = featureConflicts(turnedOn, {
    kind: 'template',
    template: template.name,
    locked: true,
  });
  if (reasons.length === 0) return undefined;
  const names = reasons.map((r) => optionNames[r.option as IncompatibleOption]);
  const listed =
    names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
  return {
    message: `The template '${template.name}' locks end-to-end encryption on, so it cannot also turn on ${listed}; turn ${names.length === 1 ? 'it' : 'them'} off or unlock encryption.`,
    reasons,
  };
}
