// zod's optional fields read as `T | undefined`; the engine's types (exactOptionalPropertyTypes)
// want the key absent instead. This drops undefined keys, deeply, so the two meet.
export type Defined<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]: Defined<Exclude<T[K], undefined>> }
    : T;

export function withoutUndefined<T>(value: T): Defined<T> {
  if (Array.isArray(value) || typeof value !== 'object' || value === null)
    return value as Defined<T>;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, inner]) => inner !== undefined)
      .map(([key, inner]) => [key, withoutUndefined(inner)]),
  ) as Defined<T>;
}
