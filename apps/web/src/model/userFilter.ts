// Which users the Users page shows: a search over name and email (case and accents ignored), the
// licence, and a group. An empty filter shows everyone.
export interface UserFilter {
  readonly text: string;
  readonly licence: 'any' | 'premium' | 'none';
  /** A group id, or '' for any group. */
  readonly group: string;
}

export const noFilter: UserFilter = { text: '', licence: 'any', group: '' };

interface Filterable {
  readonly displayName: string;
  readonly email: string;
  readonly premium: boolean;
  readonly groups: readonly string[];
}

function folded(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLocaleLowerCase('en').trim();
}

export function filterUsers<U extends Filterable>(users: readonly U[], filter: UserFilter): U[] {
  const words = folded(filter.text).split(/\s+/u).filter(Boolean);
  return users.filter((user) => {
    if (filter.licence === 'premium' && !user.premium) return false;
    if (filter.licence === 'none' && user.premium) return false;
    if (filter.group !== '' && !user.groups.includes(filter.group)) return false;
    const haystack = folded(`${user.displayName} ${user.email}`);
    return words.every((word) => haystack.includes(word));
  });
}

export function isFiltered(filter: UserFilter): boolean {
  return filter.text.trim() !== '' || filter.licence !== 'any' || filter.group !== '';
}
