// The admin pages that keep a catalogue of named objects (labels, templates, encryption and
// compliance recording policies) all work the same way: a table with Edit and Delete on each row,
// an edit section under it, a section for a new one, a status line saying what was done. Each page
// gives only what is its own: columns, form fields, API calls and rules.
import { useState, type FormEvent, type ReactNode } from 'react';
import { ApiError } from '../api/http.ts';
import { useAction, useResource, type Action } from '../app/hooks.ts';
import { fieldHints, type FieldHints } from '../model/fieldErrors.ts';
import { DataTable, type Column } from './DataTable.tsx';
import { DeleteButton } from './DeleteButton.tsx';
import { ErrorMessage } from './ErrorMessage.tsx';
import { StatusLine } from './Notice.tsx';
import { Loaded, Page, Section } from './Page.tsx';

/** Every catalogue object and draft has a name: rows, sections and status lines use it. */
interface Named {
  name: string;
}

export interface FieldsProps<Draft> {
  draft: Draft;
  setDraft: (draft: Draft) => void;
  isNew: boolean;
  /** The server's field problems, pinned to the fields the page named. */
  hints: FieldHints;
}

/** What a page's own columns may use: the page's row action (its error shows above the table). */
export interface RowTools {
  action: Action;
  setStatus: (status: string) => void;
  reload: () => void;
}

export interface CatalogueConfig<Item extends Named, Draft extends Named> {
  title: string;
  intro: string;
  caption: string;
  empty: string;
  rowKey: (item: Item) => string;
  /** `label`: "the label 'Confidential'" in the status lines and the delete question. */
  noun: string;
  /** Where a page words its delete question differently: `'Confidential'` instead of "the label …". */
  deleteThing?: (name: string) => string;
  /** The page's own columns; the catalogue adds the Actions column after them. */
  columns: (tools: RowTools) => Column<Item>[];
  form: {
    /** The request body paths the fields show problems for. */
    fields: readonly string[];
    render: (props: FieldsProps<Draft>) => ReactNode;
    emptyDraft: () => Draft;
    /** The draft after a creation (the empty one unless given). */
    afterCreate?: (created: Draft) => Draft;
    newTitle: string;
    createLabel: string;
  };
  /** Without it, rows have no Edit button (the page's columns change them in place). */
  edit?: {
    draftOf: (item: Item) => Draft;
    saveLabel: string;
    save: (item: Item, draft: Draft) => Promise<void>;
  };
  api: {
    list: () => Promise<Item[]>;
    create: (draft: Draft) => Promise<void>;
    remove: (item: Item) => Promise<void>;
  };
  /** Why a row cannot be deleted; its Delete button then explains instead. */
  deleteRefusal?: (item: Item) => string | null;
  /** More of the page, after the new section, once the list has loaded. */
  after?: (rows: Item[]) => ReactNode;
}

interface CatalogueFormProps<Draft> {
  draft: Draft;
  setDraft: (draft: Draft) => void;
  isNew: boolean;
  action: Action;
  fields: readonly string[];
  render: (props: FieldsProps<Draft>) => ReactNode;
  submitLabel: string;
  onSubmit: () => void;
  onCancel?: (() => void) | undefined;
}

/** The frame of every catalogue form: the page's fields, errors, submit and cancel. */
export function CatalogueForm<Draft>({
  draft,
  setDraft,
  isNew,
  action,
  fields,
  render,
  submitLabel,
  onSubmit,
  onCancel,
}: CatalogueFormProps<Draft>) {
  const hints = fieldHints(action.error instanceof ApiError ? action.error.fields : [], fields);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit();
  };
  return (
    <form className="form" onSubmit={submit} noValidate>
      {render({ draft, setDraft, isNew, hints })}
      <ErrorMessage error={action.error} unclaimed={hints.unclaimed} />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={action.busy}>
          {submitLabel}
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

export function CataloguePage<Item extends Named, Draft extends Named>({
  config,
}: {
  config: CatalogueConfig<Item, Draft>;
}) {
  const { form, edit, api } = config;
  const list = useResource(api.list, []);
  const [editing, setEditing] = useState<{ item: Item; draft: Draft } | null>(null);
  const [draft, setDraft] = useState<Draft>(form.emptyDraft);
  const create = useAction();
  const save = useAction();
  const remove = useAction();
  const [status, setStatus] = useState<string | null>(null);
  const thing = (name: string) => `the ${config.noun} '${name}'`;
  const tools: RowTools = { action: remove, setStatus, reload: list.reload };

  const actionsColumn: Column<Item> = {
    header: 'Actions',
    cell: (item) => (
      <div className="row-actions">
        {edit ? (
          <button
            type="button"
            className="button button-small"
            aria-label={`Edit ${item.name}`}
            onClick={() => {
              save.reset();
              setEditing({ item, draft: edit.draftOf(item) });
            }}
          >
            Edit
          </button>
        ) : null}
        <DeleteButton
          thing={(config.deleteThing ?? thing)(item.name)}
          action={remove}
          remove={() => api.remove(item)}
          setStatus={setStatus}
          after={() => list.reload()}
          refusal={config.deleteRefusal?.(item) ?? null}
        />
      </div>
    ),
  };

  return (
    <Page title={config.title} intro={config.intro}>
      <StatusLine message={status} />
      <ErrorMessage error={remove.error} />
      <Loaded resource={list}>
        {(rows) => (
          <DataTable
            caption={config.caption}
            rows={rows}
            rowKey={config.rowKey}
            empty={config.empty}
            columns={[...config.columns(tools), actionsColumn]}
          />
        )}
      </Loaded>

      {edit && editing ? (
        <Section title={`Edit '${editing.item.name}'`}>
          <CatalogueForm
            draft={editing.draft}
            setDraft={(changed) => setEditing({ ...editing, draft: changed })}
            isNew={false}
            action={save}
            fields={form.fields}
            render={form.render}
            submitLabel={edit.saveLabel}
            onCancel={() => setEditing(null)}
            onSubmit={() =>
              void save
                .run(() => edit.save(editing.item, editing.draft))
                .then((ok) => {
                  if (!ok) return;
                  setStatus(`Saved ${thing(editing.draft.name.trim())}.`);
                  setEditing(null);
                  list.reload();
                })
            }
          />
        </Section>
      ) : null}

      <Section title={form.newTitle}>
        <CatalogueForm
          draft={draft}
          setDraft={setDraft}
          isNew
          action={create}
          fields={form.fields}
          render={form.render}
          submitLabel={form.createLabel}
          onSubmit={() =>
            void create
              .run(() => api.create(draft))
              .then((ok) => {
                if (!ok) return;
                setStatus(`Created ${thing(draft.name.trim())}.`);
                setDraft(form.afterCreate ? form.afterCreate(draft) : form.emptyDraft());
                list.reload();
              })
          }
        />
      </Section>

      {config.after && list.status === 'ready' ? config.after(list.data) : null}
    </Page>
  );
}
