// Groups and their members; policies assigned to a group reach its members by rank.
import { useState, type FormEvent } from 'react';
import { groups } from '../../api/admin.ts';
import { ApiError } from '../../api/http.ts';
import type { Group } from '../../api/types.ts';
import { useAction } from '../../app/hooks.ts';
import { usePeople, userName, type People } from '../../app/people.ts';
import { DeleteButton } from '../../components/DeleteButton.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { SelectField, TextField } from '../../components/fields.tsx';
import { StatusLine } from '../../components/Notice.tsx';
import { Loaded, Page, Section } from '../../components/Page.tsx';
import { fieldHints } from '../../model/fieldErrors.ts';
import { slugOf } from '../../model/templateDraft.ts';

function Members({
  group,
  people,
  onChanged,
}: {
  group: Group;
  people: People;
  onChanged: (message: string) => void;
}) {
  const candidates = people.users.filter((u) => !group.members.includes(u.id));
  const [adding, setAdding] = useState(candidates[0]?.id ?? '');
  const [name, setName] = useState(group.name);
  const action = useAction();
  const chosen = candidates.some((u) => u.id === adding) ? adding : (candidates[0]?.id ?? '');

  return (
    <Section title={`Members of '${group.name}'`}>
      <ErrorMessage error={action.error} />
      {group.members.length === 0 ? (
        <p>No members yet.</p>
      ) : (
        <ul className="member-list">
          {group.members.map((id) => (
            <li key={id}>
              {userName(people, id)}{' '}
              <button
                type="button"
                className="button button-small button-quiet"
                aria-label={`Remove ${userName(people, id)} from ${group.name}`}
                disabled={action.busy}
                onClick={() =>
                  void action
                    .run(() => groups.removeMember(group.id, id))
                    .then(
                      (ok) =>
                        ok && onChanged(`Removed ${userName(people, id)} from '${group.name}'.`),
                    )
                }
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      {candidates.length > 0 ? (
        <form
          className="form form-inline"
          onSubmit={(event) => {
            event.preventDefault();
            void action
              .run(() => groups.addMember(group.id, chosen))
              .then(
                (ok) => ok && onChanged(`Added ${userName(people, chosen)} to '${group.name}'.`),
              );
          }}
        >
          <SelectField
            label="Add a member"
            value={chosen}
            choices={candidates.map((u) => ({
              value: u.id,
              label: `${u.displayName} (${u.email})`,
            }))}
            onChange={setAdding}
          />
          <button type="submit" className="button" disabled={action.busy}>
            Add
          </button>
        </form>
      ) : null}
      <form
        className="form form-inline"
        onSubmit={(event) => {
          event.preventDefault();
          void action
            .run(() => groups.rename(group.id, name.trim()))
            .then((ok) => ok && onChanged(`Renamed the group to '${name.trim()}'.`));
        }}
      >
        <TextField label="Group name" value={name} onChange={setName} />
        <button type="submit" className="button" disabled={action.busy}>
          Rename
        </button>
      </form>
    </Section>
  );
}

export function GroupsPage() {
  const people = usePeople();
  const [selected, setSelected] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [id, setId] = useState('');
  const create = useAction();
  const remove = useAction();
  const [status, setStatus] = useState<string | null>(null);
  const hints = fieldHints(create.error instanceof ApiError ? create.error.fields : [], [
    'id',
    'name',
  ]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body = { name: name.trim(), ...(id.trim() === '' ? {} : { id: id.trim() }) };
    void create
      .run(() => groups.create(body))
      .then((ok) => {
        if (!ok) return;
        setStatus(`Created the group '${body.name}'.`);
        setName('');
        setId('');
        people.reload();
      });
  };

  return (
    <Page
      title="Groups"
      intro="Policies assigned to a group apply to its members, the best (lowest) rank winning."
    >
      <StatusLine message={status} />
      <ErrorMessage error={remove.error} />
      <Loaded resource={people}>
        {(known) => {
          const group = known.groups.find((g) => g.id === selected) ?? null;
          return (
            <>
              <DataTable
                caption="Groups"
                rows={known.groups}
                rowKey={(g) => g.id}
                empty="No groups yet."
                columns={[
                  { header: 'Name', rowHeader: true, cell: (g) => g.name },
                  { header: 'Id', cell: (g) => <code>{g.id}</code> },
                  { header: 'Members', cell: (g) => String(g.members.length) },
                  {
                    header: 'Actions',
                    cell: (g) => (
                      <div className="row-actions">
                        <button
                          type="button"
                          className="button button-small"
                          aria-label={`Manage ${g.name}`}
                          onClick={() => setSelected(g.id)}
                        >
                          Manage
                        </button>
                        <DeleteButton
                          thing={`the group '${g.name}'`}
                          action={remove}
                          remove={() => groups.remove(g.id)}
                          setStatus={setStatus}
                          after={(deleted) => {
                            if (deleted && selected === g.id) setSelected(null);
                            people.reload();
                          }}
                        />
                      </div>
                    ),
                  },
                ]}
              />
              {group ? (
                <Members
                  key={group.id + group.members.join()}
                  group={group}
                  people={known}
                  onChanged={(message) => {
                    setStatus(message);
                    people.reload();
                  }}
                />
              ) : null}
            </>
          );
        }}
      </Loaded>
      <Section title="New group">
        <form className="form" onSubmit={submit} noValidate>
          <div className="form-row">
            <TextField
              label="Name"
              value={name}
              onChange={(next) => {
                if (id === '' || id === slugOf(name)) setId(slugOf(next));
                setName(next);
              }}
              required
              error={hints.byField['name']}
            />
            <TextField
              label="Id"
              value={id}
              onChange={setId}
              hint="Lowercase letters, digits, - or _."
              error={hints.byField['id']}
            />
          </div>
          <ErrorMessage error={create.error} unclaimed={hints.unclaimed} />
          <button type="submit" className="button button-primary" disabled={create.busy}>
            Create group
          </button>
        </form>
      </Section>
    </Page>
  );
}
