// Which enhanced encryption policy applies to whom, and why a given user has the one they have.
import { useState } from 'react';
import { encryptionAssignments, encryptionPolicies, users } from '../../api/admin.ts';
import type { EffectivePolicy } from '../../api/types.ts';
import { useAction, useResource } from '../../app/hooks.ts';
import { groupName, usePeople, type People } from '../../app/people.ts';
import { AssignmentsEditor } from '../../components/AssignmentsEditor.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { SelectField } from '../../components/fields.tsx';
import { Loaded, Page, Section } from '../../components/Page.tsx';
import { describePolicySource } from '../../model/whatIf.ts';
import { settingName } from '../../model/names.ts';

function EffectivePolicyLookup({ people }: { people: People }) {
  const [user, setUser] = useState(people.users[0]?.id ?? '');
  const [answer, setAnswer] = useState<EffectivePolicy | null>(null);
  const lookup = useAction();
  return (
    <Section title="Why does a user have their policy?">
      <form
        className="form form-inline"
        onSubmit={(event) => {
          event.preventDefault();
          setAnswer(null);
          void lookup.run(async () => setAnswer(await users.effectivePolicy(user)));
        }}
      >
        <SelectField
          label="User"
          value={user}
          choices={people.users.map((u) => ({
            value: u.id,
            label: `${u.displayName} (${u.email})`,
          }))}
          onChange={setUser}
        />
        <button type="submit" className="button" disabled={lookup.busy || user === ''}>
          Show effective policy
        </button>
      </form>
      <ErrorMessage error={lookup.error} />
      {answer ? (
        <p className="notice notice-info" role="status">
          Effective policy: <strong>{answer.policy.name}</strong>,{' '}
          {describePolicySource(answer.source, (id) => groupName(people, id))}. Meetings:{' '}
          {settingName(answer.policy.meetingEndToEndEncryption)}. Calls:{' '}
          {settingName(answer.policy.callingEndToEndEncryption)}.
        </p>
      ) : null}
    </Section>
  );
}

export function PolicyAssignmentsPage() {
  const policies = useResource(encryptionPolicies.list, []);
  const people = usePeople();
  return (
    <Page
      title="Policy assignments"
      intro="A user's effective encryption policy: one assigned to them directly; else the best-ranked of their groups' policies; else the org-wide default (the Global policy unless another is assigned to everyone)."
    >
      <Loaded resource={policies}>
        {(policyList) => (
          <Loaded resource={people}>
            {(known) => (
              <>
                <AssignmentsEditor
                  api={encryptionAssignments}
                  policyNames={policyList.map((p) => p.name)}
                  people={known}
                  noun="encryption policy"
                  caption="Encryption policy assignments"
                  empty="No assignments: everyone gets the built-in Global policy."
                />
                <EffectivePolicyLookup people={known} />
              </>
            )}
          </Loaded>
        )}
      </Loaded>
    </Page>
  );
}
