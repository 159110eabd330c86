// The bar above the Users table that acts on the selected users at once: grant an encryption
// policy, or give or take the Premium licence. One request for all of them (all or nothing, each
// audited); the answer is said in the status line.
import { useState } from 'react';
import { encryptionPolicies, users } from '../../api/admin.ts';
import type { User, UserBulkAction } from '../../api/types.ts';
import { useAction, useResource } from '../../app/hooks.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { CheckboxField, SelectField } from '../../components/fields.tsx';
import { StatusLine } from '../../components/Notice.tsx';

interface UserBulkActionsProps {
  /** The users the filter shows. */
  shown: readonly User[];
  /** The selected users among them. */
  selected: readonly User[];
  allSelected: boolean;
  onSelectAll: (on: boolean) => void;
  /** After a change: reload the list and clear the selection. */
  onChanged: () => void;
}

const people = (n: number) => (n === 1 ? '1 user' : `${n} users`);

export function UserBulkActions({
  shown,
  selected,
  allSelected,
  onSelectAll,
  onChanged,
}: UserBulkActionsProps) {
  const policies = useResource(encryptionPolicies.list, []);
  const [policy, setPolicy] = useState('');
  const action = useAction();
  const names = policies.status === 'ready' ? policies.data.map((p) => p.name) : [];
  const chosen = policy !== '' ? policy : (names[0] ?? '');

  const apply = (bulk: UserBulkAction, done: (n: number) => string) => {
    const ids = selected.map((u) => u.id);
    void action
      .run(async () => done((await users.bulk(ids, bulk)).length))
      .then((ok) => ok && onChanged());
  };
  const none = selected.length === 0 || action.busy;

  return (
    <section className="bulk-actions" aria-label="Act on selected users">
      <div className="form-row">
        <CheckboxField
          label={`Select all ${people(shown.length)} shown`}
          checked={allSelected}
          disabled={shown.length === 0}
          onChange={onSelectAll}
        />
        <p className="muted" aria-live="polite">
          {people(selected.length)} selected
        </p>
      </div>
      <div className="form-row">
        <SelectField<string>
          label="Encryption policy to grant"
          value={chosen}
          choices={names.map((name) => ({ value: name, label: name }))}
          onChange={setPolicy}
        />
        <button
          type="button"
          className="button"
          disabled={none || chosen === ''}
          onClick={() =>
            apply(
              { kind: 'grant-encryption-policy', policy: chosen },
              (n) => `Granted the encryption policy ${chosen} to ${people(n)}.`,
            )
          }
        >
          Grant policy to selected
        </button>
        <button
          type="button"
          className="button"
          disabled={none}
          onClick={() =>
            apply(
              { kind: 'set-premium', premium: true },
              (n) => `Assigned the Premium licence to ${people(n)}.`,
            )
          }
        >
          Assign Premium licence
        </button>
        <button
          type="button"
          className="button"
          disabled={none}
          onClick={() =>
            apply(
              { kind: 'set-premium', premium: false },
              (n) => `Removed the Premium licence from ${people(n)}.`,
            )
          }
        >
          Remove Premium licence
        </button>
      </div>
      <ErrorMessage error={action.error} />
      <StatusLine message={action.done} />
    </section>
  );
}
