// Password hashing with scrypt (node:crypto): a random salt per password, parameters stored with
// the hash so they can be raised later, and a constant-time comparison.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { checkPassword } from './password-rule.ts';

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/**
 * OWASP's minimum for scrypt, in the form that needs 32 MiB rather than 128 MiB per hash (N=2^15,
 * r=8, p=3 equals N=2^17, r=8, p=1 in work): about a quarter second on a small server.
 */
export const defaultCost: ScryptCost = { N: 2 ** 15, r: 8, p: 3 };

const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFC'),
      salt,
      KEY_LENGTH,
      { ...cost, maxmem: 256 * cost.N * cost.r },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

/** `scrypt$N$r$p$salt$hash`, salt and hash in base64. */
export async function hashPassword(
  password: string,
  cost: ScryptCost = defaultCost,
): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64'), key.toString('base64')].join(
    '$',
  );
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || salt === undefined || hash === undefined) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await derive(password, Buffer.from(salt, 'base64'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/**
 * A password for a person to type once and change: 20 characters, about 119 bits. Drawn again in
 * the (astronomically unlikely) case that it does not meet the password rule.
 */
export function generatePassword(): string {
  for (;;) {
    const password = randomBytes(15).toString('base64url');
    if (checkPassword(password).ok) return password;
  }
}
