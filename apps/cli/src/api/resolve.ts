// People type names and emails; the API wants ids. These look the name up in one list request and
// refuse to guess: an unknown or ambiguous name is an error that says which ids would do.
import { CliError } from '../errors.ts';
import type { ApiClient } from './client.ts';
import { getList } from './envelope.ts';
import type { DirectoryUser, Group, Label, Template, User } from './types.ts';

interface Candidate {
  id: string;
  /** Other names it answers to, compared case-insensitively. */
  names: readonly string[];
  /** How it is shown when listing ambiguous matches. */
  shown: string;
}

export function pickOne<T>(
  items: readonly T[],
  ref: string,
  kind: string,
  describe: (item: T) => Candidate,
): T {
  const byId = items.find((item) => describe(item).id === ref);
  if (byId !== undefined) return byId;
  const wanted = ref.toLowerCase();
  const matches = items.filter((item) =>
    describe(item).names.some((name) => name.toLowerCase() === wanted),
  );
  const [first, ...rest] = matches;
  if (first === undefined) {
    throw new CliError('invalid_input', `no ${kind} matches '${ref}'`);
  }
  if (rest.length > 0) {
    const listed = matches.map((item) => describe(item).shown).join(', ');
    throw new CliError(
      'invalid_input',
      `'${ref}' matches ${matches.length} ${kind}s (${listed}); name it by id`,
    );
  }
  return first;
}

const describeUser = (user: User): Candidate => ({
  id: user.id,
  names: [user.email, user.displayName],
  shown: `${user.email} = ${user.id}`,
});

export async function listUsers(api: ApiClient): Promise<User[]> {
  return getList<User>(api, '/api/admin/users', 'users');
}

/** A user of the tenant by id, email or display name (admin lookup). */
export async function resolveUser(api: ApiClient, ref: string): Promise<User> {
  return pickOne(await listUsers(api), ref, 'user', describeUser);
}

export async function listGroups(api: ApiClient): Promise<Group[]> {
  return getList<Group>(api, '/api/admin/groups', 'groups');
}

export async function resolveGroup(api: ApiClient, ref: string): Promise<Group> {
  return pickOne(await listGroups(api), ref, 'group', (group) => ({
    id: group.id,
    names: [group.name],
    shown: `${group.name} = ${group.id}`,
  }));
}

/** Templates and labels: the admin list for admin commands, the read-only one for organizers. */
export async function listTemplates(
  api: ApiClient,
  scope: 'admin' | 'organizer',
): Promise<Template[]> {
  const path = scope === 'admin' ? '/api/admin/templates' : '/api/templates';
  return getList<Template>(api, path, 'templates');
}

export async function resolveTemplate(
  api: ApiClient,
  ref: string,
  scope: 'admin' | 'organizer',
): Promise<Template> {
  return pickOne(await listTemplates(api, scope), ref, 'template', (template) => ({
    id: template.id,
    names: [template.name],
    shown: `${template.name} = ${template.id}`,
  }));
}

export async function listLabels(api: ApiClient, scope: 'admin' | 'organizer'): Promise<Label[]> {
  const path = scope === 'admin' ? '/api/admin/labels' : '/api/labels';
  return getList<Label>(api, path, 'labels');
}

export async function resolveLabel(
  api: ApiClient,
  ref: string,
  scope: 'admin' | 'organizer',
): Promise<Label> {
  return pickOne(await listLabels(api, scope), ref, 'label', (label) => ({
    id: label.id,
    names: [label.name],
    shown: `${label.name} = ${label.id}`,
  }));
}

/** Anyone in my tenant, for commands any signed-in user may run (calls). */
export async function resolveDirectoryUser(api: ApiClient, ref: string): Promise<DirectoryUser> {
  const users = await getList<DirectoryUser>(api, '/api/directory/users', 'users');
  // The directory open to every user lists names, not email addresses.
  if (ref.includes('@') && !users.some((user) => user.id === ref)) {
    throw new CliError(
      'invalid_input',
      `the directory lists people by display name, not email: name '${ref}' by display name or id`,
    );
  }
  return pickOne(users, ref, 'user', (user) => ({
    id: user.id,
    names: [user.displayName],
    shown: `${user.displayName} = ${user.id}`,
  }));
}
