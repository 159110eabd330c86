// A meeting template as the admin edits it: each option unset, on or off, and locked or not.
import { incompatibleOptions } from '@conclave/vocabulary';
import type { IncompatibleOption } from '@conclave/vocabulary';
import type { Template, TemplateOptions } from '../api/types.ts';

export type TemplateKey = 'endToEndEncryption' | IncompatibleOption;
export const templateKeys: readonly TemplateKey[] = ['endToEndEncryption', ...incompatibleOptions];

export type OptionMode = 'unset' | 'on' | 'off';

export interface OptionDraft {
  mode: OptionMode;
  locked: boolean;
}

export interface TemplateDraft {
  id: string;
  name: string;
  options: Record<TemplateKey, OptionDraft>;
}

function unsetOptions(): Record<TemplateKey, OptionDraft> {
  return Object.fromEntries(
    templateKeys.map((key) => [key, { mode: 'unset', locked: false }]),
  ) as Record<TemplateKey, OptionDraft>;
}

export function emptyTemplateDraft(): TemplateDraft {
  return { id: '', name: '', options: unsetOptions() };
}

export function draftFromTemplate(template: Template): TemplateDraft {
  const options = unsetOptions();
  for (const key of templateKeys) {
    const option = template.options[key];
    if (option) options[key] = { mode: option.value ? 'on' : 'off', locked: option.locked };
  }
  return { id: template.id, name: template.name, options };
}

/** Only the options the admin set; an unset option is left to the organizer. */
export function optionsFromDraft(draft: TemplateDraft): TemplateOptions {
  const options: TemplateOptions = {};
  for (const key of templateKeys) {
    const option = draft.options[key];
    if (option.mode !== 'unset')
      options[key] = { value: option.mode === 'on', locked: option.locked };
  }
  return options;
}

/** A short line for the templates table: "On, locked", "Off", "Not set". */
export function describeOption(option: { value: boolean; locked: boolean } | undefined): string {
  if (!option) return 'Not set';
  return `${option.value ? 'On' : 'Off'}${option.locked ? ', locked' : ''}`;
}

/** A slug suggestion for a new template or label id: "Highly confidential" → "highly-confidential". */
export function slugOf(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
}
