// Sensitivity labels: a label that applies E2EE forces it on (and locks it) for meetings using it.
import { useState, type FormEvent } from 'react';
import { labels } from '../../api/admin.ts';
import { ApiError } from '../../api/http.ts';
import type { Label } from '../../api/types.ts';
import { useAction, useResource, type Action } from '../../app/hooks.ts';
import { DeleteButton } from '../../components/DeleteButton.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { RadioGroup, TextField } from '../../components/fields.tsx';
import { StatusLine } from '../../components/Notice.tsx';
import { Loaded, Page, Section } from '../../components/Page.tsx';
import { fieldHints } from '../../model/fieldErrors.ts';
import { slugOf } from '../../model/templateDraft.ts';

type Apply = 'apply' | 'dontApply';

interface LabelDraft {
  id: string;
  name: string;
  e2ee: Apply;
}

const emptyDraft: LabelDraft = { id: '', name: '', e2ee: 'apply' };

const applyChoices: { value: Apply; label: string; description: string }[] = [
  {
    value: 'apply',
    label: 'Apply end-to-end encryption',
    description:
      'Meetings with this label are end-to-end encrypted, and organizers cannot turn it off.',
  },
  {
    value: 'dontApply',
    label: 'Don’t apply end-to-end encryption',
    description: 'The label has no effect on encryption.',
  },
];

function describeApply(label: Label): string {
  return label.meeting.endToEndEncryption === 'apply'
    ? 'Applies end-to-end encryption'
    : 'No effect';
}

function LabelForm({
  draft,
  setDraft,
  isNew,
  action,
  onSubmit,
  onCancel,
}: {
  draft: LabelDraft;
  setDraft: (draft: LabelDraft) => void;
  isNew: boolean;
  action: Action;
  onSubmit: () => void;
  onCancel?: () => void;
}) {
  const hints = fieldHints(action.error instanceof ApiError ? action.error.fields : [], [
    'id',
    'name',
    'meeting',
  ]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit();
  };
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
            hint="Lowercase letters, digits, - or _."
            error={hints.byField['id']}
          />
        ) : null}
      </div>
      <RadioGroup<Apply>
        legend="Meetings with this label"
        name={`label-e2ee-${isNew ? 'new' : draft.id}`}
        value={draft.e2ee}
        choices={applyChoices}
        onChange={(e2ee) => setDraft({ ...draft, e2ee })}
        error={hints.byField['meeting']}
      />
      <ErrorMessage error={action.error} unclaimed={hints.unclaimed} />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={action.busy}>
          {isNew ? 'Create label' : 'Save label'}
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

export function LabelsPage() {
  const list = useResource(labels.list, []);
  const [editing, setEditing] = useState<LabelDraft | null>(null);
  const [draft, setDraft] = useState<LabelDraft>(emptyDraft);
  const create = useAction();
  const save = useAction();
  const remove = useAction();
  const [status, setStatus] = useState<string | null>(null);

  return (
    <Page
      title="Sensitivity labels"
      intro="A label that applies end-to-end encryption turns it on and locks it, even where the organizer's policy would not allow it; the organizer still needs the Premium licence."
    >
      <StatusLine message={status} />
      <ErrorMessage error={remove.error} />
      <Loaded resource={list}>
        {(rows) => (
          <DataTable
            caption="Labels"
            rows={rows}
            rowKey={(l) => l.id}
            empty="No labels yet."
            columns={[
              { header: 'Name', rowHeader: true, cell: (l) => l.name },
              { header: 'Id', cell: (l) => <code>{l.id}</code> },
              { header: 'End-to-end encryption', cell: describeApply },
              {
                header: 'Actions',
                cell: (l) => (
                  <div className="row-actions">
                    <button
                      type="button"
                      className="button button-small"
                      aria-label={`Edit ${l.name}`}
                      onClick={() => {
                        save.reset();
                        setEditing({
                          id: l.id,
                          name: l.name,
                          e2ee: l.meeting.endToEndEncryption ?? 'dontApply',
                        });
                      }}
                    >
                      Edit
                    </button>
                    <DeleteButton
                      thing={`the label '${l.name}'`}
                      action={remove}
                      remove={() => labels.remove(l.id)}
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
          <LabelForm
            draft={editing}
            setDraft={setEditing}
            isNew={false}
            action={save}
            onCancel={() => setEditing(null)}
            onSubmit={() =>
              void save
                .run(() =>
                  labels.replace(editing.id, {
                    name: editing.name.trim(),
                    meeting: { endToEndEncryption: editing.e2ee },
                  }),
                )
                .then((ok) => {
                  if (!ok) return;
                  setStatus(`Saved the label '${editing.name.trim()}'.`);
                  setEditing(null);
                  list.reload();
                })
            }
          />
        </Section>
      ) : null}

      <Section title="New label">
        <LabelForm
          draft={draft}
          setDraft={setDraft}
          isNew
          action={create}
          onSubmit={() => {
            const body = { name: draft.name.trim(), meeting: { endToEndEncryption: draft.e2ee } };
            void create
              .run(() =>
                labels.create(draft.id.trim() === '' ? body : { ...body, id: draft.id.trim() }),
              )
              .then((ok) => {
                if (!ok) return;
                setStatus(`Created the label '${body.name}'.`);
                setDraft(emptyDraft);
                list.reload();
              });
          }}
        />
      </Section>
    </Page>
  );
}
