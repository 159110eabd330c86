// Names beside the ids an audit entry is about, so a reader sees "Board review" rather than
// `meeting:5f1c…`: people, meetings, groups, devices, templates, labels, the organization.
// Policies are named by their name already. Something deleted since has no name here — its
// entries keep the id (and `details.name` where the change recorded one).
import type { Store } from '../storage/store.ts';

/** `kind:id` → the name of what it names, for those that still exist. */
export async function subjectNames(
  store: Store,
  tenantId: string,
  subjects: Iterable<string>,
): Promise<Map<string, string>> {
  const byKind = new Map<string, Set<string>>();
  for (const subject of subjects) {
    const at = subject.indexOf(':');
    if (at <= 0) continue;
    const kind = subject.slice(0, at);
    const ids = byKind.get(kind) ?? new Set<string>();
    ids.add(subject.slice(at + 1));
    byKind.set(kind, ids);
  }
  const names = new Map<string, string>();
  const name = (kind: string, id: string, value: string | undefined) => {
    if (value !== undefined && value !== '') names.set(`${kind}:${id}`, value);
  };
  const listed = async <T extends { id: string }>(
    kind: string,
    list: () => Promise<T[]>,
    nameOf: (record: T) => string,
  ) => {
    const ids = byKind.get(kind);
    if (ids === undefined) return;
    for (const record of await list())
      if (ids.has(record.id)) name(kind, record.id, nameOf(record));
  };
  await listed(
    'user',
    () => store.users.list(tenantId),
    (u) => u.displayName,
  );
  await listed(
    'group',
    () => store.groups.list(tenantId),
    (g) => g.name,
  );
  await listed(
    'template',
    () => store.templates.list(tenantId),
    (t) => t.name,
  );
  await listed(
    'label',
    () => store.labels.list(tenantId),
    (l) => l.name,
  );
  await listed(
    'device',
    () => store.devices.listForTenant(tenantId),
    (d) => d.name,
  );
  for (const id of byKind.get('meeting') ?? []) {
    name('meeting', id, (await store.meetings.get(tenantId, id))?.subject);
  }
  for (const id of byKind.get('tenant') ?? []) {
    if (id === tenantId) name('tenant', id, (await store.tenants.get(tenantId))?.name);
  }
  return names;
}
