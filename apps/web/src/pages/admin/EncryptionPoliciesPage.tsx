// Enhanced encryption policies: list, create, edit the meeting and calling settings, delete.
import { builtInGlobalPolicy } from '@conclave/policy';
import { e2eeSettings } from '@conclave/vocabulary';
import type { E2eeSetting } from '@conclave/vocabulary';
import { encryptionPolicies } from '../../api/admin.ts';
import type { EncryptionPolicy } from '../../api/types.ts';
import {
  CataloguePage,
  type CatalogueConfig,
  type FieldsProps,
} from '../../components/CataloguePage.tsx';
import { RadioGroup, TextField } from '../../components/fields.tsx';
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

function PolicyFields({ draft, setDraft, isNew, hints }: FieldsProps<PolicyDraft>) {
  return (
    <>
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
    </>
  );
}

const catalogue: CatalogueConfig<EncryptionPolicy, PolicyDraft> = {
  title: 'Enhanced encryption policies',
  intro:
    "Whether people may hold end-to-end encrypted meetings and calls. A user's policy comes from a direct assignment, else their best-ranked group, else the org-wide default.",
  caption: 'Policies',
  empty: 'No policies.',
  rowKey: (policy) => policy.name,
  noun: 'policy',
  columns: () => [
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
  ],
  form: {
    fields: formFields,
    render: PolicyFields,
    emptyDraft: () => newDraft,
    newTitle: 'New policy',
    createLabel: 'Create policy',
  },
  edit: {
    draftOf: (policy) => ({ ...policy }),
    saveLabel: 'Save changes',
    save: (policy, draft) =>
      encryptionPolicies.update(policy.name, {
        description: draft.description,
        meetingEndToEndEncryption: draft.meetingEndToEndEncryption,
        callingEndToEndEncryption: draft.callingEndToEndEncryption,
      }),
  },
  api: {
    list: encryptionPolicies.list,
    create: (draft) => encryptionPolicies.create({ ...draft, name: draft.name.trim() }),
    remove: (policy) => encryptionPolicies.remove(policy.name),
  },
  deleteRefusal: (policy) =>
    policy.name === globalPolicyName
      ? 'The Global policy is built in and is the org-wide default when no other is assigned; it cannot be deleted. Change its settings instead.'
      : null,
};

export function EncryptionPoliciesPage() {
  return <CataloguePage config={catalogue} />;
}
