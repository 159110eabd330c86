// MLS working-group interop vectors through the adapter's configured suite implementations, so a
// ts-mls upgrade or a provider change that alters a standard value fails CI.
// Deep library imports are confined to this vector test (the adapter itself wraps ts-mls).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CiphersuiteName, GroupContext } from 'ts-mls';
import { getCiphersuiteNameFromId, type CiphersuiteId } from 'ts-mls/crypto/ciphersuite.js';
import { encodeGroupContext } from 'ts-mls/groupContext.js';
import { initializeEpoch, mlsExporter } from 'ts-mls/keySchedule.js';
import { refhash } from 'ts-mls/crypto/hash.js';
import { deriveSecret, deriveTreeSecret, expandWithLabel } from 'ts-mls/crypto/kdf.js';
import { signWithLabel, verifyWithLabel } from 'ts-mls/crypto/signature.js';
import { decryptWithLabel, encryptWithLabel } from 'ts-mls/crypto/hpke.js';
import { createSecretTree, ratchetToGeneration } from 'ts-mls/secretTree.js';
import { expandSenderDataKey, expandSenderDataNonce, type ReuseGuard } from 'ts-mls/sender.js';
import { decodeMlsMessage } from 'ts-mls/message.js';
import { makeKeyPackageRef } from 'ts-mls/keyPackage.js';
import { decryptGroupInfo, decryptGroupSecrets } from 'ts-mls/welcome.js';
import { verifyGroupInfoConfirmationTag, verifyGroupInfoSignature } from 'ts-mls/groupInfo.js';
import { defaultKeyRetentionConfig } from 'ts-mls/keyRetentionConfig.js';
import { createMlsCrypto, type MlsCrypto, type MlsProviderName } from '../../src/server.ts';

const fixture = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(`../fixtures/mls/${name}`, import.meta.url), 'utf8')) as T;
const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const PROVIDERS: MlsProviderName[] = ['node', 'noble', 'library-default'];

async function suite(id: number, provider: MlsProviderName): Promise<MlsCrypto | undefined> {
  const name: CiphersuiteName = getCiphersuiteNameFromId(id as CiphersuiteId);
  try {
    return await createMlsCrypto({ provider, suite: name });
  } catch {
    return undefined; // suites whose optional HPKE dependency is not installed (X448, ChaCha20)
  }
}

interface KeyScheduleVector {
  cipher_suite: number;
  group_id: string;
  initial_init_secret: string;
  epochs: {
    commit_secret: string;
    confirmation_key: string;
    confirmed_transcript_hash: string;
    encryption_secret: string;
    epoch_authenticator: string;
    exporter: { context: string; label: string; length: number; secret: string };
    exporter_secret: string;
    external_pub: string;
    external_secret: string;
    group_context: string;
    init_secret: string;
    joiner_secret: string;
    membership_key: string;
    psk_secret: string;
    resumption_psk: string;
    sender_data_secret: string;
    tree_hash: string;
    welcome_secret: string;
  }[];
}

describe('key-schedule.json', () => {
  const vectors = fixture<KeyScheduleVector[]>('key-schedule.json');

  it('covers the meeting suite and every suite the installed library supports', async () => {
    const supported: number[] = [];
    for (const v of vectors)
      if ((await suite(v.cipher_suite, 'noble')) !== undefined) supported.push(v.cipher_suite);
    expect(supported).toEqual(expect.arrayContaining([1, 2, 5, 7]));
  });

  for (const provider of PROVIDERS) {
    it(`reproduces every epoch (exporter, epoch authenticator, all secrets) with the ${provider} provider`, async () => {
      let checkedEpochs = 0;
      for (const v of vectors) {
        const crypto = await suite(
          v.cipher_suite,
          provider === 'node' && v.cipher_suite !== 1 ? 'noble' : provider,
        );
        if (crypto === undefined) continue;
        let initSecret = hex(v.initial_init_secret);
        for (const [index, e] of v.epochs.entries()) {
          const context: GroupContext = {
            version: 'mls10',
            cipherSuite: crypto.impl.name,
            groupId: hex(v.group_id),
            epoch: BigInt(index),
            treeHash: hex(e.tree_hash),
            confirmedTranscriptHash: hex(e.confirmed_transcript_hash),
            extensions: [],
          };
          expect(toHex(encodeGroupContext(context))).toBe(e.group_context);
          const s = await initializeEpoch(
            initSecret,
            hex(e.commit_secret),
            context,
            hex(e.psk_secret),
            crypto.impl.kdf,
          );
          const k = s.keySchedule;
          expect(toHex(s.joinerSecret)).toBe(e.joiner_secret);
          expect(toHex(s.welcomeSecret)).toBe(e.welcome_secret);
          expect(toHex(s.encryptionSecret)).toBe(e.encryption_secret);
          expect(toHex(k.initSecret)).toBe(e.init_secret);
          expect(toHex(k.senderDataSecret)).toBe(e.sender_data_secret);
          expect(toHex(k.exporterSecret)).toBe(e.exporter_secret);
          expect(toHex(k.externalSecret)).toBe(e.external_secret);
          expect(toHex(k.confirmationKey)).toBe(e.confirmation_key);
          expect(toHex(k.membershipKey)).toBe(e.membership_key);
          expect(toHex(k.resumptionPsk)).toBe(e.resumption_psk);
          expect(toHex(k.epochAuthenticator)).toBe(e.epoch_authenticator);
          const { publicKey } = await crypto.impl.hpke.deriveKeyPair(k.externalSecret);
          expect(toHex(await crypto.impl.hpke.exportPublicKey(publicKey))).toBe(e.external_pub);
          const exported = await mlsExporter(
            k.exporterSecret,
            e.exporter.label,
            hex(e.exporter.context),
            e.exporter.length,
            crypto.impl,
          );
          expect(toHex(exported)).toBe(e.exporter.secret);
          initSecret = k.initSecret;
          checkedEpochs++;
        }
      }
      expect(checkedEpochs).toBeGreaterThanOrEqual(
        vectors.find((v) => v.cipher_suite === 1)!.epochs.length,
      );
    });
  }
});

interface CryptoBasicsVector {
  cipher_suite: number;
  ref_hash: { label: string; value: string; out: string };
  expand_with_label: {
    secret: string;
    label: string;
    context: string;
    length: number;
    out: string;
  };
  derive_secret: { secret: string; label: string; out: string };
  derive_tree_secret: {
    secret: string;
    label: string;
    generation: number;
    length: number;
    out: string;
  };
  sign_with_label: { priv: string; pub: string; content: string; label: string; signature: string };
  encrypt_with_label: {
    priv: string;
    pub: string;
    label: string;
    context: string;
    plaintext: string;
    kem_output: string;
    ciphertext: string;
  };
}

describe('crypto-basics.json (suite 0x0001)', () => {
  const v = fixture<CryptoBasicsVector[]>('crypto-basics.json').find((x) => x.cipher_suite === 1)!;
  for (const provider of PROVIDERS) {
    it(`matches with the ${provider} provider`, async () => {
      const { impl } = (await suite(1, provider))!;
      expect(toHex(await refhash(v.ref_hash.label, hex(v.ref_hash.value), impl.hash))).toBe(
        v.ref_hash.out,
      );
      const e = v.expand_with_label;
      expect(
        toHex(await expandWithLabel(hex(e.secret), e.label, hex(e.context), e.length, impl.kdf)),
      ).toBe(e.out);
      expect(
        toHex(await deriveSecret(hex(v.derive_secret.secret), v.derive_secret.label, impl.kdf)),
      ).toBe(v.derive_secret.out);
      const t = v.derive_tree_secret;
      expect(
        toHex(await deriveTreeSecret(hex(t.secret), t.label, t.generation, t.length, impl.kdf)),
      ).toBe(t.out);
      const s = v.sign_with_label;
      expect(
        await verifyWithLabel(
          hex(s.pub),
          s.label,
          hex(s.content),
          hex(s.signature),
          impl.signature,
        ),
      ).toBe(true);
      // Ed25519 is deterministic: our signature must equal the vector's byte for byte.
      expect(toHex(await signWithLabel(hex(s.priv), s.label, hex(s.content), impl.signature))).toBe(
        s.signature,
      );
      const h = v.encrypt_with_label;
      const priv = await impl.hpke.importPrivateKey(hex(h.priv));
      const opened = await decryptWithLabel(
        priv,
        h.label,
        hex(h.context),
        hex(h.kem_output),
        hex(h.ciphertext),
        impl.hpke,
      );
      expect(toHex(opened)).toBe(h.plaintext);
      const sealed = await encryptWithLabel(
        await impl.hpke.importPublicKey(hex(h.pub)),
        h.label,
        hex(h.context),
        hex(h.plaintext),
        impl.hpke,
      );
      expect(
        toHex(
          await decryptWithLabel(priv, h.label, hex(h.context), sealed.enc, sealed.ct, impl.hpke),
        ),
      ).toBe(h.plaintext);
    });
  }
});

interface SecretTreeVector {
  cipher_suite: number;
  encryption_secret: string;
  sender_data: { sender_data_secret: string; ciphertext: string; key: string; nonce: string };
  leaves: {
    generation: number;
    application_key: string;
    application_nonce: string;
    handshake_key: string;
    handshake_nonce: string;
  }[][];
}

describe('secret-tree.json (suite 0x0001)', () => {
  const vectors = fixture<SecretTreeVector[]>('secret-tree.json').filter(
    (x) => x.cipher_suite === 1,
  );
  it('derives every sender-data key and ratchet generation with the node provider', async () => {
    const { impl } = (await suite(1, 'node'))!;
    let checked = 0;
    for (const v of vectors) {
      const sd = v.sender_data;
      expect(
        toHex(await expandSenderDataKey(impl, hex(sd.sender_data_secret), hex(sd.ciphertext))),
      ).toBe(sd.key);
      expect(
        toHex(await expandSenderDataNonce(impl, hex(sd.sender_data_secret), hex(sd.ciphertext))),
      ).toBe(sd.nonce);
      let tree = await createSecretTree(v.leaves.length, hex(v.encryption_secret), impl.kdf);
      for (const [leafIndex, generations] of v.leaves.entries()) {
        for (const g of generations) {
          const senderData = {
            leafIndex,
            generation: g.generation,
            reuseGuard: new Uint8Array(4) as ReuseGuard,
          };
          const retention = {
            ...defaultKeyRetentionConfig,
            maximumForwardRatchetSteps: Number.MAX_SAFE_INTEGER,
          };
          const app = await ratchetToGeneration(tree, senderData, 'application', retention, impl);
          expect([toHex(app.key), toHex(app.nonce)]).toEqual([
            g.application_key,
            g.application_nonce,
          ]);
          const hs = await ratchetToGeneration(app.newTree, senderData, 'commit', retention, impl);
          expect([toHex(hs.key), toHex(hs.nonce)]).toEqual([g.handshake_key, g.handshake_nonce]);
          tree = hs.newTree;
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});

interface WelcomeVector {
  cipher_suite: number;
  init_priv: string;
  key_package: string;
  signer_pub: string;
  welcome: string;
}

describe('welcome.json (suite 0x0001)', () => {
  const v = fixture<WelcomeVector[]>('welcome.json').find((x) => x.cipher_suite === 1)!;
  it('decrypts the group secrets and GroupInfo and verifies its tag and signature with the node provider', async () => {
    const { impl } = (await suite(1, 'node'))!;
    const w = decodeMlsMessage(hex(v.welcome), 0)?.[0];
    const kp = decodeMlsMessage(hex(v.key_package), 0)?.[0];
    if (w?.wireformat !== 'mls_welcome' || kp?.wireformat !== 'mls_key_package')
      throw new Error('vector did not decode');
    const ref = await makeKeyPackageRef(kp.keyPackage, impl.hash);
    const secrets = await decryptGroupSecrets(
      await impl.hpke.importPrivateKey(hex(v.init_priv)),
      ref,
      w.welcome,
      impl.hpke,
    );
    expect(secrets).toBeDefined();
    const psk = new Uint8Array(impl.kdf.size);
    const groupInfo = await decryptGroupInfo(w.welcome, secrets!.joinerSecret, psk, impl);
    expect(groupInfo).toBeDefined();
    expect(await verifyGroupInfoConfirmationTag(groupInfo!, secrets!.joinerSecret, psk, impl)).toBe(
      true,
    );
    expect(await verifyGroupInfoSignature(groupInfo!, hex(v.signer_pub), impl.signature)).toBe(
      true,
    );
  });
});
