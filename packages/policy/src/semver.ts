// A small semantic-version comparator (semver.org §11), enough for per-platform minimum versions.
// Build metadata is ignored; a pre-release sorts before its release (1.4.0-beta.2 < 1.4.0).

export interface Version {
  major: number;
  minor: number;
  patch: number;
  prerelease: (number | string)[];
}

const pattern =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

export function parseVersion(text: string): Version | undefined {
  const match = pattern.exec(text.trim());
  if (!match) return undefined;
  const [, major, minor, patch, prerelease] = match;
  const identifiers = prerelease === undefined ? [] : prerelease.split('.');
  // A numeric identifier with a leading zero is not valid semver.
  if (identifiers.some((id) => /^0\d+$/.test(id))) return undefined;
  return {
    major: Number(major),
    minor: Number(minor),
    patch: Number(patch),
    prerelease: identifiers.map((id) => (/^\d+$/.test(id) ? Number(id) : id)),
  };
}

export function isValidVersion(text: string): boolean {
  return parseVersion(text) !== undefined;
}

/** Negative if a < b, zero if equal in precedence, positive if a > b. */
export function compareVersions(a: Version, b: Version): number {
  const core = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (core !== 0) return Math.sign(core);
  if (a.prerelease.length === 0 || b.prerelease.length === 0) {
    return Math.sign(b.prerelease.length - a.prerelease.length);
  }
  const length = Math.min(a.prerelease.length, b.prerelease.length);
  for (let i = 0; i < length; i++) {
    const order = compareIdentifiers(a.prerelease[i]!, b.prerelease[i]!);
    if (order !== 0) return order;
  }
  return Math.sign(a.prerelease.length - b.prerelease.length);
}

function compareIdentifiers(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return Math.sign(a - b);
  // Numeric identifiers always have lower precedence than alphanumeric ones.
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether `version` meets `minimum`; an unparseable version never does (fail closed). */
export function meetsMinimum(version: string, minimum: string): boolean {
  const have = parseVersion(version);
  const need = parseVersion(minimum);
  if (!have || !need) return false;
  return compareVersions(have, need) >= 0;
}
