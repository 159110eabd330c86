// The tenant's templates and labels as organizers see them, for choosing and for naming.
import { listLabels, listTemplates } from '../api/meetings.ts';
import type { Label, Template } from '../api/types.ts';
import type { MeetingNames } from '../model/e2eeWords.ts';
import { useResource, type Resource } from './hooks.ts';

export interface Catalog {
  templates: Template[];
  labels: Label[];
}

export function useCatalog(): Resource<Catalog> {
  return useResource(async () => {
    const [templates, labels] = await Promise.all([listTemplates(), listLabels()]);
    return { templates, labels };
  }, []);
}

/** Display names of a meeting's label and template; the id stands in for one since deleted. */
export function namesFor(
  ids: { label: string | null; template: string | null },
  catalog: Catalog | null,
): MeetingNames {
  const label =
    ids.label === null
      ? null
      : (catalog?.labels.find((l) => l.id === ids.label)?.name ?? ids.label);
  const template =
    ids.template === null
      ? null
      : (catalog?.templates.find((t) => t.id === ids.template)?.name ?? ids.template);
  return { label, template };
}
