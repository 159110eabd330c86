// Where policies apply: to a user directly, to a group with a rank, or org-wide. Encryption and
// compliance recording policies are assigned the same way, so both pages use this.
import { useState, type FormEvent } from 'react';
import type { AssignmentsApi } from '../api/admin.ts';
import { ApiError } from '../api/http.ts';
import type { Assignment, AssignmentCreate } from '../api/types.ts';
import { useAction, useResource } from '../app/hooks.ts';
import { groupName, userName, type People } from '../app/people.ts';
import { fieldHints } from '../model/fieldErrors.ts';
import { ConfirmButton } from './ConfirmButton.tsx';
import { DataTable } from './DataTable.tsx';
import { ErrorMessage } from './ErrorMessage.tsx';
import { RadioGroup, SelectField, TextField } from './fields.tsx';
import { StatusLine } from './Notice.tsx';
import { Loaded, Section } from './Page.tsx';

type Target = 'user' | 'group' | 'global';

interface AssignmentsEditorProps {
  api: AssignmentsApi;
  policyNames: readonly string[];
  people: People;
  /** "encryption policy" or "compliance recording policy", for sentences. */
  noun: string;
  caption: string;
  /** What it means that nothing is assigned. */
  empty: string;
}

export function describeTarget(assignment: Assignment, people: People): string {
  if ('user' in assignment) return `User: ${userName(people, assignment.user)}`;
  if ('group' in assignment)
    return `Group: ${groupName(people, assignment.group)} (rank ${assignment.rank})`;
  return 'Everyone (org-wide default)';
}

export function AssignmentsEditor({
  api,
  policyNames,
  people,
  noun,
  caption,
  empty,
}: AssignmentsEditorProps) {
  const assignments = useResource(api.list, [api]);
  const [policy, setPolicy] = useState(policyNames[0] ?? '');
  const [target, setTarget] = useState<Target>('user');
  const [user, setUser] = useState(people.users[0]?.id ?? '');
  const [group, setGroup] = useState(people.groups[0]?.id ?? '');
  const [rank, setRank] = useState('1');
  const create = useAction();
  const remove = useAction();
  const [status, setStatus] = useState<string | null>(null);
  const hints = fieldHints(create.error instanceof ApiError ? create.error.fields : [], [
    'policy',
    'user',
    'group',
    'rank',
  ]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const chosenPolicy = policy || policyNames[0] || '';
    let body: AssignmentCreate;
    if (target === 'user') body = { policy: chosenPolicy, user };
    else if (target === 'group') body = { policy: chosenPolicy, group, rank: Number(rank) };
    else body = { policy: chosenPolicy, global: true };
    void create
      .run(() => api.create(body))
      .then((ok) => {
        if (!ok) return;
        setStatus(`Assigned the ${noun} '${chosenPolicy}'.`);
        assignments.reload();
      });
  };

  return (
    <>
      <StatusLine message={status} />
      <ErrorMessage error={remove.error} />
      <Loaded resource={assignments}>
        {(rows) => (
          <DataTable
            caption={caption}
            rows={[...rows].sort((a, b) => order(a) - order(b))}
            rowKey={(assignment) => assignment.id}
            empty={empty}
            columns={[
              { header: 'Applies to', rowHeader: true, cell: (a) => describeTarget(a, people) },
              { header: 'Policy', cell: (a) => a.policy },
              {
                header: 'Actions',
                cell: (a) => (
                  <ConfirmButton
                    label="Remove"
                    question={`Remove '${a.policy}' from ${describeTarget(a, people)}?`}
                    busy={remove.busy}
                    onConfirm={() =>
                      void remove
                        .run(() => api.remove(a.id))
                        .then((ok) => {
                          if (ok) setStatus('Removed the assignment.');
                          assignments.reload();
                        })
                    }
                  />
                ),
              },
            ]}
          />
        )}
      </Loaded>
      <Section title="New assignment">
        {policyNames.length === 0 ? (
          <p>Create a policy first.</p>
        ) : (
          <form className="form" onSubmit={submit} noValidate>
            <SelectField
              label="Policy"
              value={policy || policyNames[0] || ''}
              choices={policyNames.map((name) => ({ value: name, label: name }))}
              onChange={setPolicy}
              error={hints.byField['policy']}
            />
            <RadioGroup<Target>
              legend="Assign to"
              name={`target-${noun}`}
              value={target}
              onChange={setTarget}
              choices={[
                {
                  value: 'user',
                  label: 'A user',
                  description: 'Takes precedence over groups and the default.',
                },
                {
                  value: 'group',
                  label: 'A group',
                  description: 'Rank 1 wins over rank 2 for members of both.',
                },
                {
                  value: 'global',
                  label: 'Everyone',
                  description: 'The org-wide default; replaces the previous one.',
                },
              ]}
            />
            {target === 'user' ? (
              <SelectField
                label="User"
                value={user}
                choices={people.users.map((u) => ({
                  value: u.id,
                  label: `${u.displayName} (${u.email})`,
                }))}
                onChange={setUser}
                error={hints.byField['user']}
              />
            ) : null}
            {target === 'group' ? (
              <div className="form-row">
                <SelectField
                  label="Group"
                  value={group}
                  choices={people.groups.map((g) => ({ value: g.id, label: g.name }))}
                  onChange={setGroup}
                  error={hints.byField['group']}
                />
                <TextField
                  label="Rank"
                  type="number"
                  min={1}
                  inputMode="numeric"
                  value={rank}
                  onChange={setRank}
                  hint="1 is the highest; each rank is used once per policy type."
                  error={hints.byField['rank']}
                />
              </div>
            ) : null}
            <ErrorMessage error={create.error} unclaimed={hints.unclaimed} />
            <button type="submit" className="button button-primary" disabled={create.busy}>
              Assign
            </button>
          </form>
        )}
      </Section>
    </>
  );
}

/** Direct assignments first, then groups by rank, then the org-wide default: the §2 order. */
function order(assignment: Assignment): number {
  if ('user' in assignment) return 0;
  if ('group' in assignment) return assignment.rank;
  return Number.MAX_SAFE_INTEGER;
}
