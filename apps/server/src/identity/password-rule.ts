// What a password must be, wherever one is set (user creation, an admin's reset, bootstrap): at
// least 12 characters, not only whitespace, not a short pattern repeated, and not one of the
// commonest passwords — alone or wrapped in digits and symbols (`Password2024!`). The list ships
// in data/ (see its LICENSE file); it is read once, on first use.
import { readFileSync } from 'node:fs';
import { ServerError } from '../errors.ts';

export const minPasswordLength = 12;

export type PasswordVerdict =
  | { ok: true }
  | { ok: false; reason: 'blank' | 'short' | 'repetitive' | 'common'; message: string };

let common: ReadonlySet<string> | undefined;

function commonPasswords(): ReadonlySet<string> {
  common ??= new Set(
    readFileSync(new URL('./data/common-passwords.txt', import.meta.url), 'utf8')
      .split('\n')
      .filter((line) => line !== ''),
  );
  return common;
}

/** Digits, whitespace, punctuation and symbols people pad a common word with. */
const padding = /^[\d\s\p{P}\p{S}]+|[\d\s\p{P}\p{S}]+$/gu;

export function checkPassword(password: string): PasswordVerdict {
  const text = password.normalize('NFC');
  if (text.trim() === '') {
    return { ok: false, reason: 'blank', message: 'A password cannot be empty or only spaces.' };
  }
  if ([...text].length < minPasswordLength) {
    return {
      ok: false,
      reason: 'short',
      message: `Use a password of at least ${minPasswordLength} characters.`,
    };
  }
  if (/^(.{1,4}?)\1+$/su.test(text)) {
    return {
      ok: false,
      reason: 'repetitive',
      message: 'This password is a few characters repeated; choose a less predictable one.',
    };
  }
  const lower = text.toLowerCase();
  const core = lower.replace(padding, '');
  const list = commonPasswords();
  if (list.has(lower) || (core.length >= 4 && list.has(core))) {
    return {
      ok: false,
      reason: 'common',
      message: 'This password is one of the most commonly used; choose one that is not.',
    };
  }
  return { ok: true };
}

/** Throws WEAK_PASSWORD, naming the `password` field, unless the password meets the rule. */
export function requireStrongPassword(password: string): void {
  const verdict = checkPassword(password);
  if (!verdict.ok) {
    throw new ServerError('WEAK_PASSWORD', verdict.message, {
      fields: [{ path: '$.password', message: verdict.message }],
    });
  }
}
