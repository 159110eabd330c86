// The Users page's search and filters.
import { describe, expect, it } from 'vitest';
import { filterUsers, isFiltered, noFilter } from '../src/model/userFilter.ts';

const people = [
  { displayName: 'Zoë Ångström', email: 'zoe@example.org', premium: true, groups: ['finance'] },
  { displayName: 'Bob Basic', email: 'bob@example.org', premium: false, groups: [] },
  { displayName: 'Carol Legal', email: 'carol@legal.example', premium: true, groups: ['legal'] },
];

describe('filtering users', () => {
  it('shows everyone without a filter', () => {
    expect(filterUsers(people, noFilter)).toEqual(people);
    expect(isFiltered(noFilter)).toBe(false);
  });

  it('searches names and emails, every word, ignoring case and accents', () => {
    const names = (text: string) =>
      filterUsers(people, { ...noFilter, text }).map((u) => u.displayName);
    expect(names('zoe angstrom')).toEqual(['Zoë Ångström']);
    expect(names('EXAMPLE.ORG')).toEqual(['Zoë Ångström', 'Bob Basic']);
    expect(names('legal carol')).toEqual(['Carol Legal']);
    expect(names('nobody')).toEqual([]);
  });

  it('filters by licence and by group, together with the search', () => {
    const names = (filter: Partial<typeof noFilter>) =>
      filterUsers(people, { ...noFilter, ...filter }).map((u) => u.displayName);
    expect(names({ licence: 'none' })).toEqual(['Bob Basic']);
    expect(names({ licence: 'premium' })).toEqual(['Zoë Ångström', 'Carol Legal']);
    expect(names({ group: 'legal' })).toEqual(['Carol Legal']);
    expect(names({ licence: 'premium', text: 'zoe', group: 'legal' })).toEqual([]);
    expect(isFiltered({ ...noFilter, group: 'legal' })).toBe(true);
  });
});
