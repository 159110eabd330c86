// Compliance recording policies and where they apply. Anyone under an enabled one cannot hold or
// join end-to-end encrypted meetings, nor have E2EE calls: the recorder must see the media.
import { useState, type FormEvent } from 'react';
import { complianceAssignments, compliancePolicies } from '../../api/admin.ts';
import { ApiError } from '../../api/http.ts';
import { useAction, useResource } from '../../app/hooks.ts';
import { usePeople } from '../../app/people.ts';
import { AssignmentsEditor } from '../../components/AssignmentsEditor.tsx';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { CheckboxField, TextField } from '../../components/fields.tsx';
import { StatusLine } from '../../components/Notice.tsx';
import { Loaded, Page, Section } from '../../components/Page.tsx';
import { fieldHints } from '../../model/fieldErrors.ts';

export function ComplianceRecordingPage() {
  const policies = useResource(compliancePolicies.list, []);
  const people = usePeople();
  const [name, setName] = useState('');
  const [enabled, setEnabled] = useState(true);
  const create = useAction();
  const change = useAction();
  const [status, setStatus] = useState<string | null>(null);
  const hints = fieldHints(create.error instanceof ApiError ? create.error.fields : [], [
    'name',
    'enabled',
  ]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const chosen = name.trim();
    void create
      .run(() => compliancePolicies.create({ name: chosen, enabled }))
      .then((ok) => {
        if (!ok) return;
        setStatus(`Created the compliance recording policy '${chosen}'.`);
        setName('');
        policies.reload();
      });
  };

  return (
    <Page
      title="Compliance recording"
      intro="People under an enabled compliance recording policy cannot hold or join end-to-end encrypted meetings, and their calls use standard encryption."
    >
      <StatusLine message={status} />
      <ErrorMessage error={change.error} />
      <Loaded resource={policies}>
        {(rows) => (
          <>
            <DataTable
              caption="Compliance recording policies"
              rows={rows}
              rowKey={(p) => p.name}
              empty="No compliance recording policies."
              columns={[
                { header: 'Name', rowHeader: true, cell: (p) => p.name },
                {
                  header: 'Enabled',
                  cell: (p) => (
                    <CheckboxField
                      label={<span className="visually-hidden">Enabled: {p.name}</span>}
                      checked={p.enabled}
                      disabled={change.busy}
                      onChange={(next) =>
                        void change
                          .run(() => compliancePolicies.update(p.name, { enabled: next }))
                          .then((ok) => {
                            if (ok) setStatus(`${next ? 'Enabled' : 'Disabled'} '${p.name}'.`);
                            policies.reload();
                          })
                      }
                    />
                  ),
                },
                {
                  header: 'Actions',
                  cell: (p) => (
                    <ConfirmButton
                      label="Delete"
                      question={`Delete '${p.name}'?`}
                      busy={change.busy}
                      onConfirm={() =>
                        void change
                          .run(() => compliancePolicies.remove(p.name))
                          .then((ok) => {
                            if (ok) setStatus(`Deleted '${p.name}'.`);
                            policies.reload();
                          })
                      }
                    />
                  ),
                },
              ]}
            />
            <Section title="New compliance recording policy">
              <form className="form" onSubmit={submit} noValidate>
                <TextField
                  label="Name"
                  value={name}
                  onChange={setName}
                  required
                  error={hints.byField['name']}
                />
                <CheckboxField label="Enabled" checked={enabled} onChange={setEnabled} />
                <ErrorMessage error={create.error} unclaimed={hints.unclaimed} />
                <button type="submit" className="button button-primary" disabled={create.busy}>
                  Create policy
                </button>
              </form>
            </Section>
            <Loaded resource={people}>
              {(known) => (
                <AssignmentsEditor
                  api={complianceAssignments}
                  policyNames={rows.map((p) => p.name)}
                  people={known}
                  noun="compliance recording policy"
                  caption="Compliance recording assignments"
                  empty="No assignments: nobody is under compliance recording."
                />
              )}
            </Loaded>
          </>
        )}
      </Loaded>
    </Page>
  );
}
