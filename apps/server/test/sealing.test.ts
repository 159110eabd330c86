// Sealing binds a secret to its key and its purpose: a sealed row moved to another tenant, opened
// under another key, or altered by one bit does not open, and says which of these it is.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { open, seal, sealedWith } from '../src/secrets/sealing.ts';
import { keyId, parseSecretKey } from '../src/secrets/secret-key.ts';

const key = parseSecretKey(randomBytes(32).toString('base64'), 'test');
const other = parseSecretKey(randomBytes(32).toString('base64'), 'test');
const secret = randomBytes(70);

describe('sealing', () => {
  it('opens what it sealed, and the sealed text holds neither the secret nor the key', () => {
    const sealed = seal(key, secret, 'external-sender/a');
    expect(sealedWith(sealed)).toBe(key.id);
    expect(key.id).toBe(keyId(key.bytes));
    expect(sealed).not.toContain(secret.toString('base64'));
    expect(sealed).not.toContain(key.bytes.toString('base64'));
    expect(open(key, sealed, 'external-sender/a')).toEqual({
      kind: 'ok',
      plaintext: Uint8Array.from(secret),
    });
    // A fresh nonce each time.
    expect(seal(key, secret, 'external-sender/a')).not.toBe(sealed);
  });

  it('refuses a row moved to another tenant, another key, an altered row, and a plain one', () => {
    const sealed = seal(key, secret, 'external-sender/a');
    expect(open(key, sealed, 'external-sender/b').kind).toBe('does-not-open');
    expect(open(other, sealed, 'external-sender/a')).toEqual({ kind: 'other-key', keyId: key.id });
    const body = Buffer.from(sealed.split('.')[2] ?? '', 'base64');
    body[20] = (body[20] ?? 0) ^ 1;
    const altered = `sealed-v1.${key.id}.${body.toString('base64')}`;
    expect(open(key, altered, 'external-sender/a').kind).toBe('does-not-open');
    expect(open(key, secret.toString('base64'), 'external-sender/a').kind).toBe('not-sealed');
  });

  it('reads only a 32-byte base64 key, and never echoes what it was given', () => {
    for (const bad of [
      '',
      'short',
      randomBytes(31).toString('base64'),
      randomBytes(33).toString('base64'),
    ]) {
      expect(() => parseSecretKey(bad, 'CONCLAVE_SECRET_KEY')).toThrow(
        /must be 32 bytes in base64/,
      );
      try {
        parseSecretKey(bad, 'CONCLAVE_SECRET_KEY');
      } catch (error) {
        if (bad !== '') expect((error as Error).message).not.toContain(bad);
      }
    }
  });
});
