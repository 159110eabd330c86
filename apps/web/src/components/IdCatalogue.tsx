// Catalogue objects whose id an admin may choose (labels, templates): the name and id fields, where
// the id follows the name as a slug until the admin types one and is fixed once the object exists,
// and the API calls, where an empty id lets the server generate one.
import { slugOf } from '../model/templateDraft.ts';
import type { CatalogueConfig, FieldsProps } from './CataloguePage.tsx';
import type { Column } from './DataTable.tsx';
import { TextField } from './fields.tsx';

interface NameAndIdFieldsProps<
  Draft extends { name: string; id: string },
> extends FieldsProps<Draft> {
  idHint: string;
}

export function NameAndIdFields<Draft extends IdCatalogueDraft>({
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

interface IdCatalogueDraft {
  id: string;
  name: string;
}

/** The endpoints of such a catalogue; `Body` is what a create or replace sends, less the id. */
export interface IdCatalogueApi<Item, Body> {
  list: () => Promise<Item[]>;
  create: (body: Body | (Body & { id: string })) => Promise<void>;
  replace: (id: string, body: Body) => Promise<void>;
  remove: (id: string) => Promise<void>;
}

/**
 * What such catalogues share in their config: rows keyed by id, the Name and Id columns, the API
 * calls and the edit save, from the endpoints and a draft's request body.
 */
export function idCatalogueParts<
  Item extends { id: string; name: string },
  Draft extends IdCatalogueDraft,
  Body,
>(
  endpoints: IdCatalogueApi<Item, Body>,
  bodyOf: (draft: Draft) => Body,
): {
  rowKey: (item: Item) => string;
  nameAndId: Column<Item>[];
  api: CatalogueConfig<Item, Draft>['api'];
  save: (item: Item, draft: Draft) => Promise<void>;
} {
  return {
    rowKey: (item) => item.id,
    nameAndId: [
      { header: 'Name', rowHeader: true, cell: (item) => item.name },
      { header: 'Id', cell: (item) => <code>{item.id}</code> },
    ],
    api: {
      list: endpoints.list,
      create: (draft) => {
        const id = draft.id.trim();
        return endpoints.create(id === '' ? bodyOf(draft) : { ...bodyOf(draft), id });
      },
      remove: (item) => endpoints.remove(item.id),
    },
    save: (item, draft) => endpoints.replace(item.id, bodyOf(draft)),
  };
}
