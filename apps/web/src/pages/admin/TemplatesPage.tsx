// Meeting templates: whether E2EE is on by default and locked, and which options are fixed.
import { useState, type FormEvent } from 'react';
import { incompatibleOptions } from '@conclave/vocabulary';
import { templates } from '../../api/admin.ts';
import { ApiError } from '../../api/http.ts';
import type { Template } from '../../api/types.ts';
import { useAction, useResource, type Action } from '../../app/hooks.ts';
import { DeleteButton } from '../../components/DeleteButton.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { CheckboxField, SelectField, TextField } from '../../components/fields.tsx';
import { StatusLine } from '../../components/Notice.tsx';
import { Loaded, Page, Section } from '../../components/Page.tsx';
import { fieldHints } from '../../model/fieldErrors.ts';
import { optionName } from '../../model/names.ts';
import {
  describeOption,
  draftFromTemplate,
  emptyTemplateDraft,
  optionsFromDraft,
  slugOf,
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

function TemplateForm({
  draft,
  setDraft,
  isNew,
  action,
  onSubmit,
  onCancel,
}: {
  draft: TemplateDraft;
  setDraft: (draft: TemplateDraft) => void;
  isNew: boolean;
  action: Action;
  onSubmit: () => void;
  onCancel?: () => void;
}) {
  const hints = fieldHints(action.error instanceof ApiError ? action.error.fields : [], [
    'id',
    'name',
    ...templateKeys.map((key) => `options.${key}`),
    'options',
  ]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit();
  };
  const setOption = (key: TemplateKey, change: Partial<TemplateDraft['options'][TemplateKey]>) =>
    setDraft({
      ...draft,
      options: { ...draft.options, [key]: { ...draft.options[key], ...change } },
    });

  return (
    <form className="form" onSubmit={submit} noValidate>
      <div className="form-row">
        <TextField
          label="Name"
          value={draft.name}
          onChange={(name) =>
            setDraft({
              ...draft,
              name,
              id:
                isNew && (draft.id === '' || draft.id === slugOf(draft.name))
                  ? slugOf(name)
                  : draft.id,
            })
          }
          required
          error={hints.byField['name']}
        />
        {isNew ? (
          <TextField
            label="Id"
            value={draft.id}
            onChange={(id) => setDraft({ ...draft, id })}
            hint="Lowercase letters, digits, - or _. Used by the CLI and in scenarios."
            error={hints.byField['id']}
          />
        ) : null}
      </div>
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
      <ErrorMessage error={action.error} unclaimed={hints.unclaimed} />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={action.busy}>
          {isNew ? 'Create template' : 'Save template'}
        </button>
        {onCancel ? (
          <button type="button" className="button button-quiet" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}

function lockedOptions(template: Template): string {
  const locked = incompatibleOptions.filter((option) => template.options[option]?.locked);
  if (locked.length === 0) return 'None';
  return locked
    .map((option) => `${optionName(option)}: ${describeOption(template.options[option])}`)
    .join('; ');
}

export function TemplatesPage() {
  const list = useResource(templates.list, []);
  const [editing, setEditing] = useState<Template | null>(null);
  const [editDraft, setEditDraft] = useState<TemplateDraft>(emptyTemplateDraft);
  const [draft, setDraft] = useState<TemplateDraft>(emptyTemplateDraft);
  const create = useAction();
  const save = useAction();
  const remove = useAction();
  const [status, setStatus] = useState<string | null>(null);

  return (
    <Page
      title="Meeting templates"
      intro="Templates set meeting options for organizers, and can lock end-to-end encryption on or off."
    >
      <StatusLine message={status} />
      <ErrorMessage error={remove.error} />
      <Loaded resource={list}>
        {(rows) => (
          <DataTable
            caption="Templates"
            rows={rows}
            rowKey={(t) => t.id}
            empty="No templates yet."
            columns={[
              { header: 'Name', rowHeader: true, cell: (t) => t.name },
              { header: 'Id', cell: (t) => <code>{t.id}</code> },
              {
                header: 'End-to-end encryption',
                cell: (t) => describeOption(t.options.endToEndEncryption),
              },
              { header: 'Locked options', cell: lockedOptions },
              {
                header: 'Actions',
                cell: (t) => (
                  <div className="row-actions">
                    <button
                      type="button"
                      className="button button-small"
                      aria-label={`Edit ${t.name}`}
                      onClick={() => {
                        setEditing(t);
                        setEditDraft(draftFromTemplate(t));
                        save.reset();
                      }}
                    >
                      Edit
                    </button>
                    <DeleteButton
                      thing={`the template '${t.name}'`}
                      action={remove}
                      remove={() => templates.remove(t.id)}
                      setStatus={setStatus}
                      after={() => list.reload()}
                    />
                  </div>
                ),
              },
            ]}
          />
        )}
      </Loaded>

      {editing ? (
        <Section title={`Edit '${editing.name}'`}>
          <TemplateForm
            draft={editDraft}
            setDraft={setEditDraft}
            isNew={false}
            action={save}
            onCancel={() => setEditing(null)}
            onSubmit={() =>
              void save
                .run(() =>
                  templates.replace(editing.id, {
                    name: editDraft.name.trim(),
                    options: optionsFromDraft(editDraft),
                  }),
                )
                .then((ok) => {
                  if (!ok) return;
                  setStatus(`Saved the template '${editDraft.name.trim()}'.`);
                  setEditing(null);
                  list.reload();
                })
            }
          />
        </Section>
      ) : null}

      <Section title="New template">
        <TemplateForm
          draft={draft}
          setDraft={setDraft}
          isNew
          action={create}
          onSubmit={() => {
            const body = { name: draft.name.trim(), options: optionsFromDraft(draft) };
            void create
              .run(() =>
                templates.create(draft.id.trim() === '' ? body : { ...body, id: draft.id.trim() }),
              )
              .then((ok) => {
                if (!ok) return;
                setStatus(`Created the template '${body.name}'.`);
                setDraft(emptyTemplateDraft());
                list.reload();
              });
          }}
        />
      </Section>
    </Page>
  );
}
