import type { AeadKey, SFrameCryptoBackend } from '../../src/sframe/index.ts';

/**
 * Wraps a real back end and records every (key, nonce) pair that seals a frame, keyed by the
 * key's bytes so that a key imported twice counts as one key. It offers the same synchronous
 * and asynchronous paths as the back end it wraps, so callers take their production path.
 * With `encrypt: false` the wrapper skips the cipher itself (returns the header alone): the
 * counter and nonce logic under test still runs in full, at a fraction of the cost.
 */
export function recordingBackend(
  inner: SFrameCryptoBackend,
  options: { encrypt: boolean } = { encrypt: true },
): {
  backend: SFrameCryptoBackend;
  seals: () => number;
  reusedPairs: () => number;
  keys: () => number;
} {
  const noncesByKey = new Map<string, Set<string>>();
  let seals = 0;
  let reused = 0;
  const backend: SFrameCryptoBackend = {
    name: inner.name,
    importHmacKey: (hash, key) => inner.importHmacKey(hash, key),
    async importAeadKey(suite, key) {
      const id = `${suite.id}:${Buffer.from(key).toString('hex')}`;
      let nonces = noncesByKey.get(id);
      if (nonces === undefined) noncesByKey.set(id, (nonces = new Set()));
      const used = nonces;
      const record = (nonce: Uint8Array): void => {
        seals++;
        const n = Buffer.from(nonce).toString('latin1');
        if (used.has(n)) reused++;
        used.add(n);
      };
      const aead = await inner.importAeadKey(suite, key);
      const wrapped: AeadKey = {
        seal(nonce, header, metadata, plaintext) {
          record(nonce);
          return options.encrypt
            ? aead.seal(nonce, header, metadata, plaintext)
            : Promise.resolve(header.slice());
        },
        open: (nonce, header, metadata, ciphertext) =>
          aead.open(nonce, header, metadata, ciphertext),
      };
      if (aead.sealSync !== undefined) {
        wrapped.sealSync = (nonce, header, metadata, plaintext) => {
          record(nonce);
          return options.encrypt
            ? aead.sealSync!(nonce, header, metadata, plaintext)
            : header.slice();
        };
      }
      if (aead.openSync !== undefined) {
        wrapped.openSync = (nonce, header, metadata, ciphertext) =>
          aead.openSync!(nonce, header, metadata, ciphertext);
      }
      return wrapped;
    },
  };
  return { backend, seals: () => seals, reusedPairs: () => reused, keys: () => noncesByKey.size };
}
