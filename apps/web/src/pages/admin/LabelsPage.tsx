// Sensitivity labels: a label that applies E2EE forces it on (and locks it) for meetings using it.
import { labels } from '../../api/admin.ts';
import type { Label } from '../../api/types.ts';
import {
  CataloguePage,
  type CatalogueConfig,
  type FieldsProps,
} from '../../components/CataloguePage.tsx';
import { NameAndIdFields, idCatalogueParts } from '../../components/IdCatalogue.tsx';
import { CheckboxField, RadioGroup } from '../../components/fields.tsx';

type Apply = 'apply' | 'dontApply';

interface LabelDraft {
  id: string;
  name: string;
  e2ee: Apply;
  postQuantum: boolean;
}

const emptyDraft: LabelDraft = { id: '', name: '', e2ee: 'apply', postQuantum: false };

const applyChoices: { value: Apply; label: string; description: string }[] = [
  {
    value: 'apply',
    label: 'Apply end-to-end encryption',
    description:
      'Meetings with this label are end-to-end encrypted, and organizers cannot turn it off.',
  },
  {
    value: 'dontApply',
    label: 'Don’t apply end-to-end encryption',
    description: 'The label has no effect on encryption.',
  },
];

function describeApply(label: Label): string {
  const e2ee =
    label.meeting.endToEndEncryption === 'apply' ? 'Applies end-to-end encryption' : 'No effect';
  return label.meeting.postQuantumEncryption === 'require'
    ? `${e2ee}; post-quantum required`
    : e2ee;
}

function LabelFields({ draft, setDraft, isNew, hints }: FieldsProps<LabelDraft>) {
  return (
    <>
      <NameAndIdFields
        draft={draft}
        setDraft={setDraft}
        isNew={isNew}
        hints={hints}
        idHint="Lowercase letters, digits, - or _."
      />
      <RadioGroup<Apply>
        legend="Meetings with this label"
        name={`label-e2ee-${isNew ? 'new' : draft.id}`}
        value={draft.e2ee}
        choices={applyChoices}
        onChange={(e2ee) => setDraft({ ...draft, e2ee })}
        error={hints.byField['meeting']}
      />
      <CheckboxField
        label="Require post-quantum end-to-end encryption"
        checked={draft.postQuantum}
        hint="End-to-end encrypted meetings with this label use the X-Wing hybrid suite with AES-256-GCM media; apps that cannot are blocked with the reason."
        onChange={(postQuantum) => setDraft({ ...draft, postQuantum })}
      />
    </>
  );
}

const bodyOf = (draft: LabelDraft) => ({
  name: draft.name.trim(),
  meeting: {
    endToEndEncryption: draft.e2ee,
    postQuantumEncryption: draft.postQuantum ? ('require' as const) : ('dontRequire' as const),
  },
});

const parts = idCatalogueParts(labels, bodyOf);

const catalogue: CatalogueConfig<Label, LabelDraft> = {
  title: 'Sensitivity labels',
  intro:
    "A label that applies end-to-end encryption turns it on and locks it, even where the organizer's policy would not allow it; the organizer still needs the Premium licence.",
  caption: 'Labels',
  empty: 'No labels yet.',
  rowKey: parts.rowKey,
  noun: 'label',
  columns: () => [...parts.nameAndId, { header: 'End-to-end encryption', cell: describeApply }],
  form: {
    fields: ['id', 'name', 'meeting'],
    render: LabelFields,
    emptyDraft: () => emptyDraft,
    newTitle: 'New label',
    createLabel: 'Create label',
  },
  edit: {
    draftOf: (l) => ({
      id: l.id,
      name: l.name,
      e2ee: l.meeting.endToEndEncryption ?? 'dontApply',
      postQuantum: l.meeting.postQuantumEncryption === 'require',
    }),
    saveLabel: 'Save label',
    save: parts.save,
  },
  api: parts.api,
};

export function LabelsPage() {
  return <CataloguePage config={catalogue} />;
}
