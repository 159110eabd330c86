import { describe, expect, it } from 'vitest';
import {
  BaseKeySecret,
  deriveSubkeys,
  encodeHeader,
  frameNonce,
  hkdfExtract,
  SFrameReceiver,
  SFrameSender,
  sframeKeyLabel,
  sframeSaltLabel,
  suiteParams,
  type CipherSuiteId,
} from '../../src/sframe/index.ts';
import { setNextCounterForTesting } from '../../src/sframe/sender.ts';
import { BACKENDS, hex, loadVectors, unhex } from './helpers.ts';

const vectors = loadVectors();

describe.each(BACKENDS)('RFC 9605 Appendix C on the $name back end', ({ make }) => {
  const backend = make();

  describe('aes_ctr_hmac (suites 1-3, §4.5.1)', () => {
    it.each(vectors.aes_ctr_hmac.map((v) => [v.cipher_suite, v] as const))(
      'suite %i',
      async (_id, v) => {
        const suite = suiteParams(v.cipher_suite);
        const key = unhex(v.key);
        const { encKey, authKey } = deriveSubkeys(suite, key);
        expect(hex(encKey)).toBe(v.enc_key);
        expect(hex(authKey)).toBe(v.auth_key);

        const aead = await backend.importAeadKey(suite, key);
        const nonce = unhex(v.nonce);
        const aad = unhex(v.aad);
        // The AAD arrives as header and metadata; any split of the vector's AAD must agree.
        for (const cut of [0, 3, aad.length]) {
          const [head, tail] = [aad.subarray(0, cut), aad.subarray(cut)];
          const sealed = await aead.seal(nonce, head, tail, unhex(v.pt));
          expect(hex(sealed)).toBe(hex(head) + v.ct);
          const opened = await aead.open(nonce, head, tail, unhex(v.ct));
          expect(opened && hex(opened)).toBe(v.pt);
        }

        const none = new Uint8Array(0);
        const tampered = unhex(v.ct);
        tampered[tampered.length - 1]! ^= 1;
        expect(await aead.open(nonce, aad, none, tampered)).toBeNull();
        const otherAad = aad.slice();
        otherAad[0]! ^= 0x80;
        expect(await aead.open(nonce, otherAad, none, unhex(v.ct))).toBeNull();
      },
    );
  });

  describe('sframe (all suites, end to end)', () => {
    it.each(vectors.sframe.map((v) => [v.cipher_suite, v] as const))(
      'suite %i: every intermediate value',
      async (_id, v) => {
        const suite = suiteParams(v.cipher_suite);
        const baseKey = unhex(v.base_key);

        expect(hex(sframeKeyLabel(v.kid, suite))).toBe(v.sframe_key_label);
        expect(hex(sframeSaltLabel(v.kid, suite))).toBe(v.sframe_salt_label);
        expect(hex(await hkdfExtract(backend, suite.hash, new Uint8Array(0), baseKey))).toBe(
          v.sframe_secret,
        );
        const secret = await BaseKeySecret.fromBaseKey(backend, suite, baseKey);
        const { key, salt } = await secret.deriveKeySalt(v.kid);
        expect(hex(key)).toBe(v.sframe_key);
        expect(hex(salt)).toBe(v.sframe_salt);
        expect(hex(frameNonce(salt, v.ctr))).toBe(v.nonce);
        expect(hex(encodeHeader(v.kid, v.ctr)) + v.metadata).toBe(v.aad);

        const sender = new SFrameSender({ backend, suite: v.cipher_suite as CipherSuiteId });
        await sender.setKey(v.kid, baseKey);
        setNextCounterForTesting(sender, v.kid, v.ctr);
        const sent = await sender.protect(v.kid, unhex(v.pt), unhex(v.metadata));
        expect(sent.kind === 'ok' && hex(sent.frame)).toBe(v.ct);

        const receiver = new SFrameReceiver({ backend, suite: v.cipher_suite as CipherSuiteId });
        await receiver.setKey(v.kid, baseKey);
        const got = await receiver.unprotect(unhex(v.ct), unhex(v.metadata));
        expect(got.kind).toBe('ok');
        if (got.kind === 'ok') {
          expect(hex(got.plaintext)).toBe(v.pt);
          expect(got.kid).toBe(v.kid);
          expect(got.ctr).toBe(v.ctr);
        }
        // Metadata is authenticated: the same frame with other metadata is dropped.
        const other = new SFrameReceiver({ backend, suite: v.cipher_suite as CipherSuiteId });
        await other.setKey(v.kid, baseKey);
        expect(await other.unprotect(unhex(v.ct), new Uint8Array([1]))).toEqual({
          kind: 'drop',
          reason: 'auth_failed',
        });
      },
    );
  });
});
