import { describe, expect, it } from 'vitest';
import { findUnstorableText, isStorableText } from '../src/index.ts';

describe('storable text', () => {
  it('accepts any well-formed text, surrogate pairs included', () => {
    for (const text of ['', 'plain', 'Zoë 👋 渋谷', '\u0001\uFFFD', '\uD83D\uDC4B']) {
      expect(isStorableText(text), JSON.stringify(text)).toBe(true);
    }
  });

  it('refuses a NUL and every unpaired surrogate', () => {
    for (const text of [
      '\u0000',
      'a\u0000b',
      '\uD800',
      'a\uD800b',
      '\uDC00',
      '\uDC00\uD800',
      'x\uDBFF',
    ]) {
      expect(isStorableText(text), JSON.stringify(text)).toBe(false);
    }
  });

  it('names the first bad string by its path, and an object whose key is bad', () => {
    expect(findUnstorableText({ a: ['ok', { b: 'x\u0000' }] })).toEqual(['a', 1, 'b']);
    expect(findUnstorableText({ a: { 'k\uD800': 1 } })).toEqual(['a']);
    expect(findUnstorableText('\uDC00')).toEqual([]);
    expect(findUnstorableText({ a: [1, true, null, 'fine'] })).toBeUndefined();
  });

  it('walks a deeply nested value without exhausting the stack', () => {
    let deep: unknown = 'bottom\u0000';
    for (let i = 0; i < 100_000; i += 1) deep = [deep];
    expect(findUnstorableText(deep)).toHaveLength(100_000);
  });
});
