// Text every store and peer keeps faithfully. Two kinds of JSON string cannot be: one holding a NUL
// character (PostgreSQL refuses it in text columns) and one holding an unpaired UTF-16 surrogate
// (it has no UTF-8 form: SQLite would store invalid UTF-8, and a peer would read U+FFFD). Both ends
// refuse them at the edge, in every string and object key of a request or a signaling message,
// before the schema sees it, so no route or message handler has to think of them.

/** What a refused string is told, beside its path. */
export const unstorableTextMessage =
  'must not contain a NUL character (U+0000) or an unpaired surrogate';

/** A NUL, a high surrogate not followed by a low one, or a low surrogate not after a high one. */
// eslint-disable-next-line no-control-regex -- finding the NUL character is the point
const unstorable = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isStorableText(text: string): boolean {
  return !unstorable.test(text);
}

/**
 * The path of the first string in `value` that is not storable text (of its object, for a key), or
 * undefined if every one is. Walks parsed JSON (plain objects, arrays, primitives) without recursion, so a
 * deeply nested value cannot exhaust the stack.
 */
export function findUnstorableText(value: unknown): PropertyKey[] | undefined {
  // Each pending value links to its parent, so the path is built only for a bad one.
  interface Node {
    value: unknown;
    parent: Node | undefined;
    key: PropertyKey;
  }
  const pathOf = (node: Node | undefined): PropertyKey[] => {
    const path: PropertyKey[] = [];
    for (let at = node; at?.parent !== undefined; at = at.parent) path.push(at.key);
    return path.reverse();
  };
  const pending: Node[] = [{ value, parent: undefined, key: '' }];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    const item = node.value;
    if (typeof item === 'string') {
      if (!isStorableText(item)) return pathOf(node);
    } else if (Array.isArray(item)) {
      for (let index = item.length - 1; index >= 0; index -= 1) {
        pending.push({ value: item[index] as unknown, parent: node, key: index });
      }
    } else if (typeof item === 'object' && item !== null) {
      const entries = Object.entries(item);
      // A bad key is reported at its object: the key itself cannot be named faithfully.
      if (entries.some(([key]) => !isStorableText(key))) return pathOf(node);
      for (let index = entries.length - 1; index >= 0; index -= 1) {
        const [key, child] = entries[index] as [string, unknown];
        pending.push({ value: child, parent: node, key });
      }
    }
  }
  return undefined;
}
