// Which users the Users page has selected for a bulk action. A selection is a set of ids; "select
// all" means all users the filter shows, and only the shown ones count when acting, so a user
// hidden by a later filter is never changed by surprise.
export type Selection = ReadonlySet<string>;

export const nothingSelected: Selection = new Set();

export function toggled(selection: Selection, id: string, on: boolean): Selection {
  const next = new Set(selection);
  if (on) next.add(id);
  else next.delete(id);
  return next;
}

/** Whether every shown user is selected (false when none is shown). */
export function allShownSelected(selection: Selection, shown: readonly { id: string }[]): boolean {
  return shown.length > 0 && shown.every((user) => selection.has(user.id));
}

/** Selects every shown user (keeping no hidden one), or clears the selection. */
export function selectAllShown(shown: readonly { id: string }[], on: boolean): Selection {
  return on ? new Set(shown.map((user) => user.id)) : nothingSelected;
}

/** The selected users among those shown, in the order shown: what a bulk action acts on. */
export function selectedShown<U extends { id: string }>(
  selection: Selection,
  shown: readonly U[],
): U[] {
  return shown.filter((user) => selection.has(user.id));
}
