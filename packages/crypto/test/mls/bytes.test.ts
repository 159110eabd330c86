import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/mls/public/bytes.ts';

describe('toHex', () => {
  it('writes every byte as two lowercase digits, in order', () => {
    const all = Uint8Array.from({ length: 256 }, (_, b) => b);
    expect(toHex(all)).toBe(Buffer.from(all).toString('hex'));
    expect(toHex(new Uint8Array(0))).toBe('');
  });

  it('reads only the view it is given, not the whole buffer behind it', () => {
    const buffer = Uint8Array.from([0xff, 0x01, 0xab, 0xff]);
    expect(toHex(buffer.subarray(1, 3))).toBe('01ab');
  });
});
