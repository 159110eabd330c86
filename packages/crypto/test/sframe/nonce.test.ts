import { describe, expect, it } from 'vitest';
import { frameNonce, MAX_UINT64 } from '../../src/sframe/index.ts';
import { hex, unhex } from './helpers.ts';

// An independent model of RFC 9605 §4.4.3: the salt as one 96-bit integer, XORed with the CTR.
function referenceNonce(salt: Uint8Array, ctr: bigint): string {
  const value = BigInt(`0x${hex(salt)}`) ^ ctr;
  return value.toString(16).padStart(salt.length * 2, '0');
}

describe('frame nonce = salt XOR CTR', () => {
  const salts = [
    unhex('50b29329a04dc0f184ac3168'),
    new Uint8Array(12).fill(0xff),
    new Uint8Array(12),
  ];
  const ctrs = [
    0n,
    1n,
    0xffn,
    0x1_0000_0000n,
    0xdead_beef_cafen,
    1n << 56n,
    (1n << 63n) + 12345n,
    MAX_UINT64,
  ];

  it.each(ctrs.map((c) => [c]))('matches the reference for CTR %s', (ctr) => {
    for (const salt of salts) expect(hex(frameNonce(salt, ctr))).toBe(referenceNonce(salt, ctr));
  });

  it('leaves the salt untouched', () => {
    const salt = unhex('50b29329a04dc0f184ac3168');
    frameNonce(salt, MAX_UINT64);
    expect(hex(salt)).toBe('50b29329a04dc0f184ac3168');
  });
});
