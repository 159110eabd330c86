// What a form did, shown once on the page it led to ("Scheduled …" on the new meeting's page, so
// the form is not left filled in for a second, accidental meeting). Kept in memory only: a reload
// or another visit of that page no longer shows it.
const left = new Map<string, unknown>();

/** Leaves `value` for the next visit of `path`. */
export function leaveFor(path: string, value: unknown): void {
  left.set(path, value);
}

/** What was left for `path`, if anything; it stays until `forget`. */
export function leftFor<T>(path: string): T | undefined {
  return left.get(path) as T | undefined;
}

export function forget(path: string): void {
  left.delete(path);
}
