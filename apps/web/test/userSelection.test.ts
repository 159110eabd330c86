// The Users page's selection for bulk actions: select-all takes what the filter shows, and a bulk
// action acts only on selected users that are still shown.
import { describe, expect, it } from 'vitest';
import {
  allShownSelected,
  nothingSelected,
  selectAllShown,
  selectedShown,
  toggled,
} from '../src/model/userSelection.ts';

const [a, b, c] = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];

describe('selecting users', () => {
  it('toggles one user in and out', () => {
    const one = toggled(nothingSelected, 'a', true);
    expect([...one]).toEqual(['a']);
    expect([...toggled(one, 'a', false)]).toEqual([]);
  });

  it('selects all that are shown, and says so only while every shown one is selected', () => {
    const shown = [a, b];
    const all = selectAllShown(shown, true);
    expect(allShownSelected(all, shown)).toBe(true);
    expect(allShownSelected(toggled(all, 'b', false), shown)).toBe(false);
    expect(allShownSelected(all, [])).toBe(false);
    expect([...selectAllShown(shown, false)]).toEqual([]);
  });

  it('acts only on selected users still shown, in the order shown', () => {
    const selection = new Set(['c', 'a']);
    expect(selectedShown(selection, [a, b, c])).toEqual([a, c]);
    // A filter that hides `c` keeps it from a bulk action.
    expect(selectedShown(selection, [a, b])).toEqual([a]);
  });
});
