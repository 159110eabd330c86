// Compliance recording policies and where they apply. Anyone under an enabled one cannot hold or
// join end-to-end encrypted meetings, nor have E2EE calls: the recorder must see the media.
import { complianceAssignments, compliancePolicies } from '../../api/admin.ts';
import type { CompliancePolicy } from '../../api/types.ts';
import { usePeople } from '../../app/people.ts';
import { AssignmentsEditor } from '../../components/AssignmentsEditor.tsx';
import {
  CataloguePage,
  type CatalogueConfig,
  type FieldsProps,
  type RowTools,
} from '../../components/CataloguePage.tsx';
import { CheckboxField, TextField } from '../../components/fields.tsx';
import { Loaded } from '../../components/Page.tsx';

function PolicyFields({ draft, setDraft, hints }: FieldsProps<CompliancePolicy>) {
  return (
    <>
      <TextField
        label="Name"
        value={draft.name}
        onChange={(name) => setDraft({ ...draft, name })}
        required
        error={hints.byField['name']}
      />
      <CheckboxField
        label="Enabled"
        checked={draft.enabled}
        onChange={(enabled) => setDraft({ ...draft, enabled })}
      />
    </>
  );
}

/** Switched in the table itself, through the same action as Delete (one error box for both). */
function EnabledSwitch({ policy, tools }: { policy: CompliancePolicy; tools: RowTools }) {
  const { action, setStatus, reload } = tools;
  return (
    <CheckboxField
      label={<span className="visually-hidden">Enabled: {policy.name}</span>}
      checked={policy.enabled}
      disabled={action.busy}
      onChange={(next) =>
        void action
          .run(() => compliancePolicies.update(policy.name, { enabled: next }))
          .then((ok) => {
            if (ok) setStatus(`${next ? 'Enabled' : 'Disabled'} '${policy.name}'.`);
            reload();
          })
      }
    />
  );
}

function Assignments({ policies }: { policies: CompliancePolicy[] }) {
  const people = usePeople();
  return (
    <Loaded resource={people}>
      {(known) => (
        <AssignmentsEditor
          api={complianceAssignments}
          policyNames={policies.map((p) => p.name)}
          people={known}
          noun="compliance recording policy"
          caption="Compliance recording assignments"
          empty="No assignments: nobody is under compliance recording."
        />
      )}
    </Loaded>
  );
}

const catalogue: CatalogueConfig<CompliancePolicy, CompliancePolicy> = {
  title: 'Compliance recording',
  intro:
    'People under an enabled compliance recording policy cannot hold or join end-to-end encrypted meetings, and their calls use standard encryption.',
  caption: 'Compliance recording policies',
  empty: 'No compliance recording policies.',
  rowKey: (p) => p.name,
  noun: 'compliance recording policy',
  // This page has always asked "Delete 'name'?" and said "Deleted 'name'.".
  deleteThing: (name) => `'${name}'`,
  columns: (tools) => [
    { header: 'Name', rowHeader: true, cell: (p) => p.name },
    { header: 'Enabled', cell: (p) => <EnabledSwitch policy={p} tools={tools} /> },
  ],
  form: {
    fields: ['name', 'enabled'],
    render: PolicyFields,
    emptyDraft: () => ({ name: '', enabled: true }),
    // The Enabled box keeps its choice for the next one.
    afterCreate: (created) => ({ ...created, name: '' }),
    newTitle: 'New compliance recording policy',
    createLabel: 'Create policy',
  },
  api: {
    list: compliancePolicies.list,
    create: (draft) => compliancePolicies.create({ ...draft, name: draft.name.trim() }),
    remove: (p) => compliancePolicies.remove(p.name),
  },
  after: (policies) => <Assignments policies={policies} />,
};

export function ComplianceRecordingPage() {
  return <CataloguePage config={catalogue} />;
}
