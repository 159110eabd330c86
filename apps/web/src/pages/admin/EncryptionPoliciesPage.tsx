// Enhanced encryption policies: list, create, edit the meeting and calling settings, delete.
import { useState, type FormEvent } from 'react';
import { builtInGlobalPolicy } from '@conclave/policy';
import { e2eeSettings } from '@conclave/vocabulary';
import type { E2eeSetting } from '@conclave/vocabulary';
import { encryptionPolicies } from '../../api/admin.ts';
import { ApiError } from '../../api/http.ts';
import type { EncryptionPolicy } from '../../api/types.ts';
import { useAction, useResource, type Action } from '../../app/hooks.ts';
import { DeleteButton } from '../../components/DeleteButton.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { RadioGroup, TextField } from '../../components/fields.tsx';
import { StatusLine } from '../../components/Notice.tsx';
import { Loaded, Page, Section } from '../../components/Page.tsx';
import { fieldHints } from '../../model/fieldErrors.ts';
import { settingName } from '../../model/names.ts';

/** The built-in policy that always exists (§1). */
const globalPolicyName = builtInGlobalPolicy().name;

const settingChoices = e2eeSettings.map((setting) => ({
  value: setting,
  label: settingName(setting),
}));

interface PolicyDraft {
  name: string;
  description: string;
  meetingEndToEndEncryption: E2eeSetting;
  callingEndToEndEncryption: E2eeSetting;
}

const newDraft: PolicyDraft = {
  name: '',
  description: '',
  meetingEndToEndEncryption: 'Disabled',
  callingEndToEndEncryption: 'Disabled',
};

const formFields = [
  'name',
  'description',
  'meetingEndToEndEncryption',
  'callingEndToEndEncryption',
];

function PolicyForm({
  draft,
  setDraft,
  isNew,
  action,
  onSubmit,
  onCancel,
}: {
  draft: PolicyDraft;
  setDraft: (draft: PolicyDraft) => void;
  isNew: boolean;
  action: Action;
  onSubmit: () => void;
  onCancel?: () => void;
}) {
  const hints = fieldHints(action.error instanceof ApiError ? action.error.fields : [], formFields);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit();
  };
  return (
    <form className="form" onSubmit={submit} noValidate>
      {isNew ? (
        <TextField
          label="Name"
          value={draft.name}
          onChange={(name) => setDraft({ ...draft, name })}
          required
          hint="Letters, digits, spaces, dots, dashes or underscores."
          error={hints.byField['name']}
        />
      ) : null}
      <TextField
        label="Description"
        value={draft.description}
        onChange={(description) => setDraft({ ...draft, description })}
        error={hints.byField['description']}
      />
      <RadioGroup
        legend="End-to-end meeting encryption"
        name={`meeting-${draft.name || 'new'}`}
        value={draft.meetingEndToEndEncryption}
        choices={settingChoices}
        onChange={(meetingEndToEndEncryption) => setDraft({ ...draft, meetingEndToEndEncryption })}
        error={hints.byField['meetingEndToEndEncryption']}
      />
      <RadioGroup
        legend="End-to-end call encryption"
        name={`calling-${draft.name || 'new'}`}
        value={draft.callingEndToEndEncryption}
        choices={settingChoices}
        onChange={(callingEndToEndEncryption) => setDraft({ ...draft, callingEndToEndEncryption })}
        error={hints.byField['callingEndToEndEncryption']}
      />
      <ErrorMessage error={action.error} unclaimed={hints.unclaimed} />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={action.busy}>
          {isNew ? 'Create policy' : 'Save changes'}
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

function EditPolicy({
  policy,
  onDone,
}: {
  policy: EncryptionPolicy;
  onDone: (message: string | null) => void;
}) {
  const [draft, setDraft] = useState<PolicyDraft>({ ...policy });
  const action = useAction();
  return (
    <Section title={`Edit '${policy.name}'`}>
      <PolicyForm
        draft={draft}
        setDraft={setDraft}
        isNew={false}
        action={action}
        onCancel={() => onDone(null)}
        onSubmit={() =>
          void action
            .run(() =>
              encryptionPolicies.update(policy.name, {
                description: draft.description,
                meetingEndToEndEncryption: draft.meetingEndToEndEncryption,
                callingEndToEndEncryption: draft.callingEndToEndEncryption,
              }),
            )
            .then((ok) => ok && onDone(`Saved the policy '${policy.name}'.`))
        }
      />
    </Section>
  );
}

export function EncryptionPoliciesPage() {
  const policies = useResource(encryptionPolicies.list, []);
  const [editing, setEditing] = useState<string | null>(null);
  const [draft, setDraft] = useState<PolicyDraft>(newDraft);
  const create = useAction();
  const remove = useAction();
  const [status, setStatus] = useState<string | null>(null);

  return (
    <Page
      title="Enhanced encryption policies"
      intro="Whether people may hold end-to-end encrypted meetings and calls. A user's policy comes from a direct assignment, else their best-ranked group, else the org-wide default."
    >
      <StatusLine message={status} />
      <ErrorMessage error={remove.error} />
      <Loaded resource={policies}>
        {(rows) => (
          <DataTable
            caption="Policies"
            rows={rows}
            rowKey={(policy) => policy.name}
            empty="No policies."
            columns={[
              { header: 'Name', rowHeader: true, cell: (policy) => policy.name },
              { header: 'Description', cell: (policy) => policy.description || '—' },
              {
                header: 'End-to-end meeting encryption',
                cell: (policy) => settingName(policy.meetingEndToEndEncryption),
              },
              {
                header: 'End-to-end call encryption',
                cell: (policy) => settingName(policy.callingEndToEndEncryption),
              },
              {
                header: 'Actions',
                cell: (policy) => (
                  <div className="row-actions">
                    <button
                      type="button"
                      className="button button-small"
                      aria-label={`Edit ${policy.name}`}
                      onClick={() => setEditing(policy.name)}
                    >
                      Edit
                    </button>
                    <DeleteButton
                      thing={`the policy '${policy.name}'`}
                      action={remove}
                      remove={() => encryptionPolicies.remove(policy.name)}
                      setStatus={setStatus}
                      after={() => policies.reload()}
                      refusal={
                        policy.name === globalPolicyName
                          ? 'The Global policy is built in and is the org-wide default when no other is assigned; it cannot be deleted. Change its settings instead.'
                          : null
                      }
                    />
                  </div>
                ),
              },
            ]}
          />
        )}
      </Loaded>

      {policies.status === 'ready' && editing !== null
        ? (() => {
            const policy = policies.data.find((p) => p.name === editing);
            return policy ? (
              <EditPolicy
                key={policy.name}
                policy={policy}
                onDone={(message) => {
                  setEditing(null);
                  if (message) setStatus(message);
                  policies.reload();
                }}
              />
            ) : null;
          })()
        : null}

      <Section title="New policy">
        <PolicyForm
          draft={draft}
          setDraft={setDraft}
          isNew
          action={create}
          onSubmit={() =>
            void create
              .run(() => encryptionPolicies.create({ ...draft, name: draft.name.trim() }))
              .then((ok) => {
                if (!ok) return;
                setStatus(`Created the policy '${draft.name.trim()}'.`);
                setDraft(newDraft);
                policies.reload();
              })
          }
        />
      </Section>
    </Page>
  );
}
