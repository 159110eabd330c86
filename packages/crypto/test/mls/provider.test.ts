// The node:crypto provider against the library's own implementations, in both directions.
import { describe, expect, it } from 'vitest';
import { createMlsCrypto } from '../../src/server.ts';

const enc = new TextEncoder();

describe('node provider', async () => {
  const node = (await createMlsCrypto({ provider: 'node' })).impl;
  const noble = (await createMlsCrypto({ provider: 'noble' })).impl;
  const info = enc.encode('info');
  const aad = enc.encode('aad');
  const message = enc.encode('path secret');

  it('HPKE seals what the library opens and opens what it seals', async () => {
    for (const [sender, receiver] of [
      [node, noble],
      [noble, node],
    ] as const) {
      const pair = await receiver.hpke.generateKeyPair();
      const pub = await sender.hpke.importPublicKey(
        await receiver.hpke.exportPublicKey(pair.publicKey),
      );
      const { ct, enc: kem } = await sender.hpke.seal(pub, message, info, aad);
      expect(await receiver.hpke.open(pair.privateKey, kem, ct, info, aad)).toEqual(message);
      const tampered = ct.slice();
      tampered[0]! ^= 1;
      await expect(receiver.hpke.open(pair.privateKey, kem, tampered, info, aad)).rejects.toThrow();
      const exported = await sender.hpke.exportSecret(pub, enc.encode('ctx'), 32, info);
      expect(
        await receiver.hpke.importSecret(
          pair.privateKey,
          enc.encode('ctx'),
          exported.enc,
          32,
          info,
        ),
      ).toEqual(exported.secret);
    }
  });

  it('derives the same HPKE key pairs and private-key encodings', async () => {
    const ikm = enc.encode('x'.repeat(32));
    const a = await node.hpke.deriveKeyPair(ikm);
    const b = await noble.hpke.deriveKeyPair(ikm);
    expect(await node.hpke.exportPublicKey(a.publicKey)).toEqual(
      await noble.hpke.exportPublicKey(b.publicKey),
    );
    expect(await node.hpke.exportPrivateKey(a.privateKey)).toEqual(
      await noble.hpke.exportPrivateKey(b.privateKey),
    );
  });

  it('AEAD, hash, HMAC and HKDF agree with the library', async () => {
    const key = new Uint8Array(16).fill(7);
    const nonce = new Uint8Array(12).fill(9);
    const sealed = await node.hpke.encryptAead(key, nonce, aad, message);
    expect(await noble.hpke.decryptAead(key, nonce, aad, sealed)).toEqual(message);
    expect(await node.hash.digest(message)).toEqual(await noble.hash.digest(message));
    expect(await node.hash.mac(key, message)).toEqual(await noble.hash.mac(key, message));
    expect(await node.hash.verifyMac(key, await noble.hash.mac(key, message), message)).toBe(true);
    expect(await node.hash.verifyMac(key, new Uint8Array(32), message)).toBe(false);
    const salt = new Uint8Array(32).fill(3); // the library's HKDF takes only hash-length salts
    const prk = await node.kdf.extract(salt, message);
    expect(prk).toEqual(await noble.kdf.extract(salt, message));
    expect(await node.kdf.expand(prk, info, 100)).toEqual(await noble.kdf.expand(prk, info, 100));
  });

  it('Ed25519 signatures verify across providers; bad keys and signatures are false, not exceptions', async () => {
    const { signKey, publicKey } = await node.signature.keygen();
    const signature = await node.signature.sign(signKey, message);
    expect(await noble.signature.verify(publicKey, message, signature)).toBe(true);
    expect(
      await node.signature.verify(publicKey, message, await noble.signature.sign(signKey, message)),
    ).toBe(true);
    expect(await node.signature.verify(new Uint8Array(31), message, signature)).toBe(false);
    expect(await node.signature.verify(publicKey, message, signature.subarray(1))).toBe(false);
    expect(await node.signature.verify(publicKey, enc.encode('other'), signature)).toBe(false);
  });
});
