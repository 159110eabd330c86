// Sealing a secret for the database: AES-256-GCM (node:crypto) under the server's secret key, with
// a fresh 96-bit nonce per seal. The associated data binds the format version, the key id and what
// the secret is for (`external-sender/<tenant>`), so a row copied to another tenant, or opened
// under another key, fails instead of yielding a key. Stored as text:
//   sealed-v1.<key id>.<base64(nonce ‖ ciphertext ‖ tag)>
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretKey } from './secret-key.ts';

const VERSION = 'sealed-v1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const sealedShape = /^sealed-v1\.([0-9a-f]{16})\.([A-Za-z0-9+/]+={0,2})$/;

export type OpenResult =
  | { readonly kind: 'ok'; readonly plaintext: Uint8Array }
  | { readonly kind: 'not-sealed' }
  | { readonly kind: 'other-key'; readonly keyId: string }
  | { readonly kind: 'does-not-open' };

const associatedData = (keyId: string, purpose: string) =>
  Buffer.from(`conclave/${VERSION}/${keyId}/${purpose}`, 'utf8');

export function seal(key: SecretKey, plaintext: Uint8Array, purpose: string): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.bytes, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(key.id, purpose));
  const body = Buffer.concat([
    nonce,
    cipher.update(plaintext),
    cipher.final(),
    cipher.getAuthTag(),
  ]);
  return `${VERSION}.${key.id}.${body.toString('base64')}`;
}

/** The id of the key that sealed `stored`, or undefined if it is not a sealed value. */
export function sealedWith(stored: string): string | undefined {
  return sealedShape.exec(stored)?.[1];
}

/** Never throws: a value that is not sealed, sealed under another key, or altered, says so. */
export function open(key: SecretKey, stored: string, purpose: string): OpenResult {
  const match = sealedShape.exec(stored);
  if (match === null) return { kind: 'not-sealed' };
  const [, id = '', encoded = ''] = match;
  if (id !== key.id) return { kind: 'other-key', keyId: id };
  const body = Buffer.from(encoded, 'base64');
  if (body.length < NONCE_BYTES + TAG_BYTES) return { kind: 'does-not-open' };
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.bytes, body.subarray(0, NONCE_BYTES), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(associatedData(id, purpose));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    const plaintext = Buffer.concat([
      decipher.update(body.subarray(NONCE_BYTES, body.length - TAG_BYTES)),
      decipher.final(),
    ]);
    // A plain Uint8Array (a Buffer's slice() is a view, a trap for callers that copy to wipe).
    const copy = Uint8Array.from(plaintext);
    plaintext.fill(0);
    return { kind: 'ok', plaintext: copy };
  } catch {
    return { kind: 'does-not-open' };
  }
}
