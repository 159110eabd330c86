// People, their role and their Premium licence (what E2EE meetings need); disabling an account,
// and acting on a selection of users at once (UserBulkActions).
import { useState, type FormEvent } from 'react';
import { users } from '../../api/admin.ts';
import { ApiError } from '../../api/http.ts';
import type { EffectivePolicy, Role, User } from '../../api/types.ts';
import { useAction, useResource } from '../../app/hooks.ts';
import { groupName, usePeople, type People } from '../../app/people.ts';
import { useSession } from '../../app/session.tsx';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { CheckboxField, SelectField, TextField } from '../../components/fields.tsx';
import { Notice, StatusLine } from '../../components/Notice.tsx';
import { Loaded, Page, Section } from '../../components/Page.tsx';
import { fieldHints } from '../../model/fieldErrors.ts';
import { describePolicySource } from '../../model/whatIf.ts';
import { filterUsers, isFiltered, noFilter, type UserFilter } from '../../model/userFilter.ts';
import {
  allShownSelected,
  nothingSelected,
  selectAllShown,
  selectedShown,
  toggled,
  type Selection,
} from '../../model/userSelection.ts';
import { UserBulkActions } from './UserBulkActions.tsx';

const roleChoices: { value: Role; label: string }[] = [
  { value: 'user', label: 'User' },
  { value: 'admin', label: 'Admin' },
];

interface UserDraft {
  email: string;
  displayName: string;
  role: Role;
  premium: boolean;
  password: string;
  /** A password typed here is one-time unless unticked: the user changes it at first sign-in. */
  oneTime: boolean;
}

const emptyDraft: UserDraft = {
  email: '',
  displayName: '',
  role: 'user',
  premium: false,
  password: '',
  oneTime: true,
};

/** The password part of a create or change request: nothing when the field is empty. */
function passwordPart(draft: UserDraft): { password?: string; mustChangePassword?: boolean } {
  return draft.password === ''
    ? {}
    : { password: draft.password, mustChangePassword: draft.oneTime };
}
const userFields = ['email', 'displayName', 'role', 'premium', 'password'];

function UserFields({
  draft,
  setDraft,
  hints,
  isNew,
}: {
  draft: UserDraft;
  setDraft: (draft: UserDraft) => void;
  hints: Record<string, string>;
  isNew: boolean;
}) {
  return (
    <>
      <div className="form-row">
        <TextField
          label="Display name"
          value={draft.displayName}
          onChange={(displayName) => setDraft({ ...draft, displayName })}
          required
          error={hints['displayName']}
        />
        <TextField
          label="Email"
          type="email"
          value={draft.email}
          onChange={(email) => setDraft({ ...draft, email })}
          required
          autoComplete="off"
          error={hints['email']}
        />
      </div>
      <div className="form-row">
        <SelectField<Role>
          label="Role"
          value={draft.role}
          choices={roleChoices}
          onChange={(role) => setDraft({ ...draft, role })}
          error={hints['role']}
        />
        <TextField
          label={isNew ? 'Password' : 'New password'}
          type="password"
          value={draft.password}
          onChange={(password) => setDraft({ ...draft, password })}
          autoComplete="new-password"
          hint={
            isNew
              ? 'At least 12 characters, not a common password. Leave empty to have a one-time password generated.'
              : 'At least 12 characters, not a common password. Leave empty to keep the current one.'
          }
          error={hints['password']}
        />
      </div>
      {draft.password !== '' ? (
        <CheckboxField
          label="One-time password: the user chooses their own at first sign-in"
          checked={draft.oneTime}
          onChange={(oneTime) => setDraft({ ...draft, oneTime })}
        />
      ) : null}
      <CheckboxField
        label="Premium licence (needed to hold end-to-end encrypted meetings)"
        checked={draft.premium}
        onChange={(premium) => setDraft({ ...draft, premium })}
        error={hints['premium']}
      />
    </>
  );
}

function EditUser({ user, onDone }: { user: User; onDone: (message: string | null) => void }) {
  const [draft, setDraft] = useState<UserDraft>({
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    premium: user.premium,
    password: '',
    oneTime: true,
  });
  const save = useAction();
  const unlock = useAction();
  const hints = fieldHints(save.error instanceof ApiError ? save.error.fields : [], userFields);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const { password: _password, oneTime: _oneTime, ...rest } = draft;
    const body = { ...rest, ...passwordPart(draft) };
    void save
      .run(() =>
        users.update(user.id, {
          ...body,
          email: body.email.trim(),
          displayName: body.displayName.trim(),
        }),
      )
      .then((ok) => ok && onDone(`Saved ${draft.displayName.trim()}.`));
  };
  return (
    <Section title={`Edit ${user.displayName}`}>
      <form className="form" onSubmit={submit} noValidate>
        <UserFields draft={draft} setDraft={setDraft} hints={hints.byField} isNew={false} />
        <ErrorMessage error={save.error} unclaimed={hints.unclaimed} />
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={save.busy}>
            Save user
          </button>
          <button type="button" className="button button-quiet" onClick={() => onDone(null)}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-quiet"
            disabled={unlock.busy}
            onClick={() =>
              void unlock
                .run(() => users.unlock(user.id))
                .then((ok) => ok && onDone(`${user.displayName} can sign in again at once.`))
            }
          >
            Lift sign-in limit
          </button>
        </div>
        <ErrorMessage error={unlock.error} />
      </form>
    </Section>
  );
}

function EffectivePolicyCell({ user, people }: { user: User; people: People | null }) {
  const [answer, setAnswer] = useState<EffectivePolicy | null>(null);
  const lookup = useAction();
  if (answer) {
    return (
      <span>
        {answer.policy.name}{' '}
        <span className="muted">
          ({describePolicySource(answer.source, (id) => (people ? groupName(people, id) : id))})
        </span>
      </span>
    );
  }
  return (
    <span>
      <button
        type="button"
        className="button button-small button-quiet"
        aria-label={`Show the effective encryption policy of ${user.displayName}`}
        disabled={lookup.busy}
        onClick={() => void lookup.run(async () => setAnswer(await users.effectivePolicy(user.id)))}
      >
        Show
      </button>
      {lookup.error ? (
        <span className="field-error">
          {lookup.error instanceof ApiError ? lookup.error.message : 'Failed.'}
        </span>
      ) : null}
    </span>
  );
}

/** Whether the account can be used: disabled, waiting for its one-time password to change, or active. */
function accountStatus(user: User): string {
  if (user.disabled) return 'Disabled';
  return user.mustChangePassword ? 'Must change password' : 'Active';
}

/** Search and filters above the table: what an admin of a few hundred people needs first. */
function UserFilterBar({
  filter,
  setFilter,
  people,
}: {
  filter: UserFilter;
  setFilter: (filter: UserFilter) => void;
  people: People | null;
}) {
  const groupChoices = [
    { value: '', label: 'Any group' },
    ...(people?.groups ?? []).map((g) => ({ value: g.id, label: g.name })),
  ];
  return (
    <div className="form-row user-filter" role="search" aria-label="Find users">
      <TextField
        label="Search by name or email"
        type="search"
        value={filter.text}
        onChange={(text) => setFilter({ ...filter, text })}
      />
      <SelectField<UserFilter['licence']>
        label="Licence"
        value={filter.licence}
        choices={[
          { value: 'any', label: 'Any licence' },
          { value: 'premium', label: 'Premium' },
          { value: 'none', label: 'No Premium licence' },
        ]}
        onChange={(licence) => setFilter({ ...filter, licence })}
      />
      <SelectField<string>
        label="Group"
        value={filter.group}
        choices={groupChoices}
        onChange={(group) => setFilter({ ...filter, group })}
      />
    </div>
  );
}

export function UsersPage() {
  const { user: me } = useSession();
  const people = usePeople();
  const list = useResource(users.list, []);
  const [editing, setEditing] = useState<User | null>(null);
  const [draft, setDraft] = useState<UserDraft>(emptyDraft);
  const [oneTime, setOneTime] = useState<{ email: string; password: string } | null>(null);
  const create = useAction();
  const remove = useAction();
  const [status, setStatus] = useState<string | null>(null);
  const [filter, setFilter] = useState<UserFilter>(noFilter);
  const [selection, setSelection] = useState<Selection>(nothingSelected);
  const access = useAction();
  const hints = fieldHints(create.error instanceof ApiError ? create.error.fields : [], userFields);
  const known = people.status === 'ready' ? people.data : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setOneTime(null);
    const { password: _password, oneTime: _oneTime, ...rest } = draft;
    const body = { ...rest, email: rest.email.trim(), displayName: rest.displayName.trim() };
    void create.run(async () => {
      const answer = await users.create({ ...body, ...passwordPart(draft) });
      if (answer.password) setOneTime({ email: answer.user.email, password: answer.password });
      setDraft(emptyDraft);
      list.reload();
      people.reload();
      return `Created ${answer.user.displayName}.`;
    });
  };

  return (
    <Page
      title="Users and licences"
      intro="The Premium licence is what end-to-end encrypted meetings need; calls don't need it."
    >
      <StatusLine message={status} />
      <ErrorMessage error={remove.error} />
      <ErrorMessage error={access.error} />
      <UserFilterBar filter={filter} setFilter={setFilter} people={known} />
      <Loaded resource={list}>
        {(rows) => {
          const shown = filterUsers(rows, filter);
          return (
            <>
              <UserBulkActions
                shown={shown}
                selected={selectedShown(selection, shown)}
                allSelected={allShownSelected(selection, shown)}
                onSelectAll={(on) => setSelection(selectAllShown(shown, on))}
                onChanged={() => {
                  setSelection(nothingSelected);
                  list.reload();
                }}
              />
              <DataTable
                caption={isFiltered(filter) ? `Users (${shown.length} of ${rows.length})` : 'Users'}
                rows={shown}
                rowKey={(u) => u.id}
                empty={isFiltered(filter) ? 'No user matches these filters.' : 'No users.'}
                columns={[
                  {
                    header: 'Select',
                    cell: (u) => (
                      <input
                        type="checkbox"
                        aria-label={`Select ${u.displayName}`}
                        checked={selection.has(u.id)}
                        onChange={(event) =>
                          setSelection(toggled(selection, u.id, event.target.checked))
                        }
                      />
                    ),
                  },
                  { header: 'Name', rowHeader: true, cell: (u) => u.displayName },
                  { header: 'Email', cell: (u) => u.email },
                  { header: 'Role', cell: (u) => (u.role === 'admin' ? 'Admin' : 'User') },
                  { header: 'Status', cell: accountStatus },
                  { header: 'Premium', cell: (u) => (u.premium ? 'Yes' : 'No') },
                  {
                    header: 'Groups',
                    cell: (u) =>
                      u.groups.length === 0
                        ? '—'
                        : u.groups.map((g) => (known ? groupName(known, g) : g)).join(', '),
                  },
                  {
                    header: 'Encryption policy',
                    cell: (u) => <EffectivePolicyCell user={u} people={known} />,
                  },
                  {
                    header: 'Actions',
                    cell: (u) => (
                      <div className="row-actions">
                        <button
                          type="button"
                          className="button button-small"
                          aria-label={`Edit ${u.displayName}`}
                          onClick={() => setEditing(u)}
                        >
                          Edit
                        </button>
                        {u.disabled ? (
                          <button
                            type="button"
                            className="button button-small"
                            aria-label={`Enable ${u.displayName}`}
                            disabled={access.busy}
                            onClick={() =>
                              void access
                                .run(() => users.setDisabled(u.id, false))
                                .then((ok) => {
                                  if (ok)
                                    setStatus(`${u.displayName} is enabled and can sign in again.`);
                                  list.reload();
                                })
                            }
                          >
                            Enable
                          </button>
                        ) : (
                          <ConfirmButton
                            label="Disable"
                            name={`Disable ${u.displayName}`}
                            question={`Disable ${u.displayName}? They are signed out everywhere at once.`}
                            busy={access.busy}
                            refusal={u.id === me.id ? 'You cannot disable your own account.' : null}
                            onConfirm={() =>
                              void access
                                .run(() => users.setDisabled(u.id, true))
                                .then((ok) => {
                                  if (ok)
                                    setStatus(
                                      `${u.displayName} is disabled: signed out everywhere, and cannot sign in.`,
                                    );
                                  list.reload();
                                })
                            }
                          />
                        )}
                        <ConfirmButton
                          label="Delete"
                          name={`Delete ${u.displayName}`}
                          question={`Delete ${u.displayName}?`}
                          busy={remove.busy}
                          refusal={
                            u.id === me.id ? 'You cannot delete yourself while signed in.' : null
                          }
                          onConfirm={() =>
                            void remove
                              .run(() => users.remove(u.id))
                              .then((ok) => {
                                if (ok) setStatus(`Deleted ${u.displayName}.`);
                                list.reload();
                              })
                          }
                        />
                      </div>
                    ),
                  },
                ]}
              />
            </>
          );
        }}
      </Loaded>

      {editing ? (
        <EditUser
          key={editing.id}
          user={editing}
          onDone={(message) => {
            setEditing(null);
            if (message) setStatus(message);
            list.reload();
          }}
        />
      ) : null}

      <Section title="New user">
        {oneTime ? (
          <Notice kind="warning">
            One-time password for {oneTime.email}:{' '}
            <code className="secret">{oneTime.password}</code>. It is shown only now; pass it on
            securely.
          </Notice>
        ) : null}
        {create.done && !oneTime ? <Notice>{create.done}</Notice> : null}
        <form className="form" onSubmit={submit} noValidate>
          <UserFields draft={draft} setDraft={setDraft} hints={hints.byField} isNew />
          <ErrorMessage error={create.error} unclaimed={hints.unclaimed} />
          <button type="submit" className="button button-primary" disabled={create.busy}>
            Create user
          </button>
        </form>
      </Section>
    </Page>
  );
}
