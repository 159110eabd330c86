// Users and groups of the tenant, for the admin pages that pick or name them.
import { groups, users } from '../api/admin.ts';
import type { Group, User } from '../api/types.ts';
import { useResource, type Resource } from './hooks.ts';

export interface People {
  users: User[];
  groups: Group[];
}

export function usePeople(): Resource<People> {
  return useResource(async () => {
    const [userList, groupList] = await Promise.all([users.list(), groups.list()]);
    return { users: userList, groups: groupList };
  }, []);
}

export function userName(people: People, id: string): string {
  const user = people.users.find((u) => u.id === id);
  return user ? `${user.displayName} (${user.email})` : id;
}

export function groupName(people: People, id: string): string {
  return people.groups.find((g) => g.id === id)?.name ?? id;
}
