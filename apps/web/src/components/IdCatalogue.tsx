// The name and id of a catalogue object whose id an admin may choose (labels, templates): the id
// follows the name as a slug until the admin types one, and is fixed once the object exists.
import { slugOf } from '../model/templateDraft.ts';
import type { FieldsProps } from './CataloguePage.tsx';
import { TextField } from './fields.tsx';

interface NameAndIdFieldsProps<
  Draft extends { name: string; id: string },
> extends FieldsProps<Draft> {
  idHint: string;
}

export function NameAndIdFields<Draft extends { name: string; id: string }>({
  draft,
  setDraft,
  isNew,
  hints,
  idHint,
}: NameAndIdFieldsProps<Draft>) {
  return (
    <div className="form-row">
      <TextField
        label="Name"
        value={draft.name}
        onChange={(name) =>
          setDraft({
            ...draft,
            name,
            id:
              isNew && (draft.id === '' || draft.id === slugOf(draft.name))
                ? slugOf(name)
                : draft.id,
          })
        }
        required
        error={hints.byField['name']}
      />
      {isNew ? (
        <TextField
          label="Id"
          value={draft.id}
          onChange={(id) => setDraft({ ...draft, id })}
          hint={idHint}
          error={hints.byField['id']}
        />
      ) : null}
    </div>
  );
}
