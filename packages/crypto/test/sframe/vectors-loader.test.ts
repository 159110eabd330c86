import { describe, expect, it } from 'vitest';
import { loadVectors } from './helpers.ts';

describe('RFC 9605 vector file', () => {
  it('keeps 64-bit KID and CTR values exact', () => {
    const v = loadVectors();
    expect(v.header).toHaveLength(289);
    expect(v.aes_ctr_hmac).toHaveLength(3);
    expect(v.sframe).toHaveLength(5);
    const max = (1n << 64n) - 1n;
    expect(v.header.some((h) => h.ctr === max)).toBe(true);
    expect(v.header.some((h) => h.kid === max)).toBe(true);
    // 2^53 + 1 is not representable as a double: its presence shows no rounding happened.
    expect(v.header.every((h) => typeof h.kid === 'bigint' && typeof h.ctr === 'bigint')).toBe(
      true,
    );
    expect(v.header.find((h) => h.encoded === '0fffffffffffffffff')?.ctr).toBe(max);
  });
});
