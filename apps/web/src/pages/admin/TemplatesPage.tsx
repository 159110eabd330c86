// Meeting templates: whether E2EE is on by default and locked, and which options are fixed.
import { incompatibleOptions } from '@conclave/vocabulary';
import { templates } from '../../api/admin.ts';
import type { Template } from '../../api/types.ts';
import {
  CataloguePage,
  type CatalogueConfig,
  type FieldsProps,
} from '../../components/CataloguePage.tsx';
import { NameAndIdFields, idCatalogueParts } from '../../components/IdCatalogue.tsx';
import { CheckboxField, SelectField } from '../../components/fields.tsx';
import { optionName } from '../../model/names.ts';
import {
  describeOption,
  draftFromTemplate,
  emptyTemplateDraft,
  optionsFromDraft,
  templateKeys,
  type OptionMode,
  type TemplateDraft,
  type TemplateKey,
} from '../../model/templateDraft.ts';

const modeChoices: { value: OptionMode; label: string }[] = [
  { value: 'unset', label: 'Not set (organizer chooses)' },
  { value: 'on', label: 'On' },
  { value: 'off', label: 'Off' },
];

function keyName(key: TemplateKey): string {
  return key === 'endToEndEncryption' ? 'End-to-end encryption' : optionName(key);
}

function TemplateFields({ draft, setDraft, isNew, hints }: FieldsProps<TemplateDraft>) {
  const setOption = (key: TemplateKey, change: Partial<TemplateDraft['options'][TemplateKey]>) =>
    setDraft({
      ...draft,
      options: { ...draft.options, [key]: { ...draft.options[key], ...change } },
    });

  return (
    <>
      <NameAndIdFields
        draft={draft}
        setDraft={setDraft}
        isNew={isNew}
        hints={hints}
        idHint="Lowercase letters, digits, - or _. Used by the CLI and in scenarios."
      />
      <fieldset className="field-group">
        <legend>Options</legend>
        <p className="field-hint">
          A locked option cannot be changed by the organizer. A template that locks end-to-end
          encryption on can only be used by organizers who can hold end-to-end encrypted meetings.
        </p>
        <div className="template-options">
          {templateKeys.map((key) => (
            <div className="template-option" key={key}>
              <SelectField<OptionMode>
                label={keyName(key)}
                value={draft.options[key].mode}
                choices={modeChoices}
                onChange={(mode) =>
                  setOption(key, mode === 'unset' ? { mode, locked: false } : { mode })
                }
                error={hints.byField[`options.${key}`]}
              />
              <CheckboxField
                label={`Lock ${key === 'endToEndEncryption' ? 'end-to-end encryption' : keyName(key)}`}
                checked={draft.options[key].locked}
                disabled={draft.options[key].mode === 'unset'}
                onChange={(locked) => setOption(key, { locked })}
              />
            </div>
          ))}
        </div>
      </fieldset>
    </>
  );
}

/** Every option the template sets, with its value: "Recording: Off, locked; Live captions: On". */
function setOptions(template: Template): string {
  const set = incompatibleOptions.filter((option) => template.options[option] !== undefined);
  if (set.length === 0) return 'None (organizers choose)';
  return set
    .map((option) => `${optionName(option)}: ${describeOption(template.options[option])}`)
    .join('; ');
}

const bodyOf = (draft: TemplateDraft) => ({
  name: draft.name.trim(),
  options: optionsFromDraft(draft),
});

const parts = idCatalogueParts(templates, bodyOf);

const catalogue: CatalogueConfig<Template, TemplateDraft> = {
  title: 'Meeting templates',
  intro:
    'Templates set meeting options for organizers, and can lock end-to-end encryption on or off.',
  caption: 'Templates',
  empty: 'No templates yet.',
  rowKey: parts.rowKey,
  noun: 'template',
  columns: () => [
    ...parts.nameAndId,
    {
      header: 'End-to-end encryption',
      cell: (t) => describeOption(t.options.endToEndEncryption),
    },
    { header: 'Other options', cell: setOptions },
  ],
  form: {
    fields: ['id', 'name', ...templateKeys.map((key) => `options.${key}`), 'options'],
    render: TemplateFields,
    emptyDraft: emptyTemplateDraft,
    newTitle: 'New template',
    createLabel: 'Create template',
  },
  edit: {
    draftOf: draftFromTemplate,
    saveLabel: 'Save template',
    save: parts.save,
  },
  api: parts.api,
};

export function TemplatesPage() {
  return <CataloguePage config={catalogue} />;
}
