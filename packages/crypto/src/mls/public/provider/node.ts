// The MLS primitives of suite 0x0001 on node:crypto. The library's default provider goes through
// async WebCrypto for every hash, HMAC and HKDF step (tens of thousands per Welcome in a large
// group); node:crypto does each in a couple of microseconds. The module object is passed in so
// this file never imports node:crypto itself and a browser bundle can include the package.
import type * as NodeCrypto from 'node:crypto';
import type { Hash, Kdf, Signature } from 'ts-mls';

const HASH = 'sha256';
const HASH_LENGTH = 32;
// The DER prefix that turns a raw Ed25519 secret key into PKCS#8 (RFC 8410).
const PKCS8_ED25519 = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);
const KEY_CACHE_LIMIT = 2048;

type NodeCryptoModule = typeof NodeCrypto;

/** Copies out of Node's Buffer so no caller ever holds a view into a shared allocation pool. */
function own(buffer: Uint8Array): Uint8Array {
  return new Uint8Array(buffer);
}

export function nodeHash(nc: NodeCryptoModule): Hash {
  const mac = (key: Uint8Array, data: Uint8Array): Uint8Array =>
    own(nc.createHmac(HASH, key).update(data).digest());
  return {
    digest: (data) => Promise.resolve(own(nc.createHash(HASH).update(data).digest())),
    mac: (key, data) => Promise.resolve(mac(key, data)),
    verifyMac: (key, tag, data) => {
      const expected = mac(key, data);
      return Promise.resolve(expected.length === tag.length && nc.timingSafeEqual(expected, tag));
    },
  };
}

/** HKDF-SHA256 (RFC 5869) as separate extract and expand, which MLS needs. */
export function nodeKdf(nc: NodeCryptoModule): Kdf {
  return {
    size: HASH_LENGTH,
    extract: (salt, ikm) => Promise.resolve(own(nc.createHmac(HASH, salt).update(ikm).digest())),
    expand: (prk, info, length) => Promise.resolve(hkdfExpand(nc, prk, info, length)),
  };
}

export function hkdfExpand(
  nc: NodeCryptoModule,
  prk: Uint8Array,
  info: Uint8Array,
  length: number,
): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > 255 * HASH_LENGTH)
    throw new RangeError('HKDF length');
  const out = new Uint8Array(length);
  let previous: Uint8Array = new Uint8Array(0);
  for (let offset = 0, counter = 1; offset < length; counter++) {
    const block = nc
      .createHmac(HASH, prk)
      .update(previous)
      .update(info)
      .update(Uint8Array.of(counter))
      .digest();
    out.set(block.subarray(0, Math.min(block.length, length - offset)), offset);
    offset += block.length;
    previous = own(block);
  }
  return out;
}

/**
 * Ed25519 with raw 32-byte secret keys (what @noble/curves uses too, so a stored key works with
 * every provider). 48-byte PKCS#8 keys, which the library's WebCrypto path produces, are accepted.
 */
export function nodeEd25519(nc: NodeCryptoModule): Signature {
  // Only public keys are cached: verifying a large tree checks each member's key repeatedly, and a
  // cached secret would outlive the caller's wipe of it.
  const publicKeys = new Map<string, NodeCrypto.KeyObject | null>();

  const publicKeyObject = (raw: Uint8Array): NodeCrypto.KeyObject | null => {
    const id = Buffer.from(raw).toString('base64');
    let key = publicKeys.get(id);
    if (key === undefined) {
      try {
        // JWK, not SPKI DER: OpenSSL 3's DER decoder made key import cost as much as the
        // verification itself (a joiner imports every member's key); JWK import is ~10× faster.
        key =
          raw.length === 32
            ? nc.createPublicKey({
                key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') },
                format: 'jwk',
              })
            : null;
      } catch {
        key = null;
      }
      remember(publicKeys, id, key);
    }
    return key;
  };

  const privateKeyObject = (raw: Uint8Array): NodeCrypto.KeyObject => {
    const der = raw.length === 32 ? Buffer.concat([PKCS8_ED25519, raw]) : Buffer.from(raw);
    try {
      return nc.createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    } finally {
      der.fill(0);
    }
  };

  return {
    sign: (signKey, message) =>
      Promise.resolve(own(nc.sign(null, message, privateKeyObject(signKey)))),
    verify: (publicKey, message, signature) => {
      const key = publicKeyObject(publicKey);
      if (key === null || signature.length !== 64) return Promise.resolve(false);
      try {
        return Promise.resolve(nc.verify(null, message, key, signature));
      } catch {
        return Promise.resolve(false);
      }
    },
    keygen: () => {
      const pair = nc.generateKeyPairSync('ed25519');
      const pkcs8 = pair.privateKey.export({ format: 'der', type: 'pkcs8' });
      const spki = pair.publicKey.export({ format: 'der', type: 'spki' });
      return Promise.resolve({
        signKey: own(pkcs8.subarray(pkcs8.length - 32)),
        publicKey: own(spki.subarray(spki.length - 32)),
      });
    },
  };
}

function remember<V>(cache: Map<string, V>, id: string, value: V): void {
  if (cache.size >= KEY_CACHE_LIMIT) {
    const oldest = cache.keys().next();
    if (oldest.done !== true) cache.delete(oldest.value);
  }
  cache.set(id, value);
}
