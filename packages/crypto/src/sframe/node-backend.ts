import type * as NodeCrypto from 'node:crypto';
import {
  ctrHmacLengths,
  deriveSubkeys,
  ctrInitialBlock,
  type AeadKey,
  type HmacKey,
  type SFrameCryptoBackend,
} from './backend.ts';
import { SFrameError } from './errors.ts';
import type { HashName, SuiteParams } from './suites.ts';

// node:crypto is reached through process.getBuiltinModule rather than an import so that a
// browser bundle of this package never sees a Node built-in.
function loadNodeCrypto(): typeof NodeCrypto {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const mod = proc?.getBuiltinModule?.('node:crypto') as typeof NodeCrypto | undefined;
  if (mod === undefined)
    throw new SFrameError('backend_unavailable', 'node:crypto is not available in this runtime');
  return mod;
}

const HASH: Record<HashName, string> = { 'SHA-256': 'sha256', 'SHA-512': 'sha512' };

/** The node:crypto back end: the fast path for the CLI, headless participants and the server. */
export function nodeCryptoBackend(): SFrameCryptoBackend {
  const nc = loadNodeCrypto();
  return {
    name: 'node',
    importHmacKey(hash, key) {
      return Promise.resolve(nodeHmacKey(nc, HASH[hash], key));
    },
    importAeadKey(suite, key) {
      if (key.length !== suite.nk) {
        return Promise.reject(
          new SFrameError('invalid_argument', 'AEAD key has the wrong length for the suite'),
        );
      }
      return Promise.resolve(
        suite.aead === 'aes-gcm' ? nodeGcmKey(nc, suite, key) : nodeCtrHmacKey(nc, suite, key),
      );
    },
  };
}

function nodeHmacKey(nc: typeof NodeCrypto, alg: string, key: Uint8Array): HmacKey {
  const keyObject = nc.createSecretKey(key);
  return {
    sign(data) {
      return Promise.resolve(nc.createHmac(alg, keyObject).update(data).digest());
    },
  };
}

type SealSync = NonNullable<AeadKey['sealSync']>;
type OpenSync = NonNullable<AeadKey['openSync']>;

function nodeGcmKey(nc: typeof NodeCrypto, suite: SuiteParams, key: Uint8Array): AeadKey {
  const alg = suite.nk === 16 ? 'aes-128-gcm' : 'aes-256-gcm';
  const keyObject = nc.createSecretKey(key);
  const nt = suite.nt;
  // GCM takes its AAD in pieces, so header and metadata are never joined.
  const sealSync: SealSync = (nonce, header, metadata, plaintext) => {
    const cipher = nc.createCipheriv(alg, keyObject, nonce, { authTagLength: nt });
    cipher.setAAD(header);
    if (metadata.length > 0) cipher.setAAD(metadata);
    const ct = cipher.update(plaintext);
    cipher.final();
    const out = new Uint8Array(header.length + ct.length + nt);
    out.set(header, 0);
    out.set(ct, header.length);
    out.set(cipher.getAuthTag(), header.length + ct.length);
    return out;
  };
  const openSync: OpenSync = (nonce, header, metadata, ciphertext) => {
    const split = ciphertext.length - nt;
    if (split < 0) return null;
    try {
      const decipher = nc.createDecipheriv(alg, keyObject, nonce, { authTagLength: nt });
      decipher.setAuthTag(ciphertext.subarray(split));
      decipher.setAAD(header);
      if (metadata.length > 0) decipher.setAAD(metadata);
      const pt = decipher.update(ciphertext.subarray(0, split));
      decipher.final();
      return pt;
    } catch {
      return null;
    }
  };
  return withAsync(sealSync, openSync);
}

function nodeCtrHmacKey(nc: typeof NodeCrypto, suite: SuiteParams, key: Uint8Array): AeadKey {
  const subkeys = deriveSubkeys(suite, key);
  const encKey = nc.createSecretKey(subkeys.encKey);
  const authKey = nc.createSecretKey(subkeys.authKey);
  const alg = HASH[suite.hash];
  const nt = suite.nt;
  const tag = (nonce: Uint8Array, header: Uint8Array, metadata: Uint8Array, ct: Uint8Array) =>
    nc
      .createHmac(alg, authKey)
      .update(ctrHmacLengths(header.length + metadata.length, ct.length, nt))
      .update(nonce)
      .update(header)
      .update(metadata)
      .update(ct)
      .digest()
      .subarray(0, nt);
  const ctr = (nonce: Uint8Array, data: Uint8Array): Buffer =>
    nc.createCipheriv('aes-128-ctr', encKey, ctrInitialBlock(nonce)).update(data);
  const sealSync: SealSync = (nonce, header, metadata, plaintext) => {
    const ct = ctr(nonce, plaintext);
    const out = new Uint8Array(header.length + ct.length + nt);
    out.set(header, 0);
    out.set(ct, header.length);
    out.set(tag(nonce, header, metadata, ct), header.length + ct.length);
    return out;
  };
  const openSync: OpenSync = (nonce, header, metadata, ciphertext) => {
    const split = ciphertext.length - nt;
    if (split < 0) return null;
    const ct = ciphertext.subarray(0, split);
    const expected = tag(nonce, header, metadata, ct);
    if (!nc.timingSafeEqual(expected, ciphertext.subarray(split))) return null;
    return ctr(nonce, ct);
  };
  return withAsync(sealSync, openSync);
}

function withAsync(sealSync: SealSync, openSync: OpenSync): AeadKey {
  return {
    sealSync,
    openSync,
    seal(nonce, header, metadata, plaintext) {
      try {
        return Promise.resolve(sealSync(nonce, header, metadata, plaintext));
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error('seal failed'));
      }
    },
    open(nonce, header, metadata, ciphertext) {
      try {
        return Promise.resolve(openSync(nonce, header, metadata, ciphertext));
      } catch {
        return Promise.resolve(null);
      }
    },
  };
}
