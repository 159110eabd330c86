// HPKE (RFC 9180), base mode, for suite 0x0001: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
// AES-128-GCM, on node:crypto. A committer seals a path secret to every node of the copath's
// resolution (hundreds in a large, sparse tree) and the library's HPKE does each step through
// async WebCrypto; this does them synchronously in native code. Checked against the MLS
// working-group vectors (EncryptWithLabel, external_pub derivation, Welcome) and against the
// library's implementation in both directions (test/mls/provider.test.ts).
import type * as NodeCrypto from 'node:crypto';
import type { Hpke, PrivateKey, PublicKey } from 'ts-mls';
import { hkdfExpand } from './node.ts';

type NodeCryptoModule = typeof NodeCrypto;

const NK = 16; // AES-128-GCM key
const NN = 12; // nonce
const NT = 16; // tag
const NSECRET = 32; // HKDF-SHA256 output / X25519 shared secret
const PKCS8_X25519 = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20,
]);

const text = new TextEncoder();
const VERSION = text.encode('HPKE-v1');
const KEM_SUITE = Uint8Array.from([...text.encode('KEM'), 0x00, 0x20]);
const HPKE_SUITE = Uint8Array.from([...text.encode('HPKE'), 0x00, 0x20, 0x00, 0x01, 0x00, 0x01]);
const EMPTY = new Uint8Array(0);

/** The library treats HPKE keys as opaque values it only hands back to this object. */
interface X25519Private {
  readonly type: 'private';
  readonly raw: Uint8Array;
  readonly key: NodeCrypto.KeyObject;
}

interface X25519Public {
  readonly type: 'public';
  readonly raw: Uint8Array;
  readonly key: NodeCrypto.KeyObject;
}

export function nodeHpke(nc: NodeCryptoModule): Hpke {
  const concat = (...parts: Uint8Array[]): Uint8Array => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of parts) {
      out.set(p, offset);
      offset += p.length;
    }
    return out;
  };
  const extract = (salt: Uint8Array, ikm: Uint8Array): Uint8Array =>
    new Uint8Array(nc.createHmac('sha256', salt).update(ikm).digest());
  const labeledExtract = (
    suite: Uint8Array,
    salt: Uint8Array,
    label: string,
    ikm: Uint8Array,
  ): Uint8Array => extract(salt, concat(VERSION, suite, text.encode(label), ikm));
  const labeledExpand = (
    suite: Uint8Array,
    prk: Uint8Array,
    label: string,
    info: Uint8Array,
    length: number,
  ): Uint8Array =>
    hkdfExpand(
      nc,
      prk,
      concat(Uint8Array.of(length >> 8, length & 0xff), VERSION, suite, text.encode(label), info),
      length,
    );

  const privateKey = (raw: Uint8Array): X25519Private => {
    if (raw.length !== NSECRET) throw new Error('X25519 private key must be 32 bytes');
    const der = Buffer.concat([PKCS8_X25519, raw]);
    try {
      return {
        type: 'private',
        raw: raw.slice(),
        key: nc.createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }),
      };
    } finally {
      der.fill(0);
    }
  };
  const publicKey = (raw: Uint8Array): X25519Public => {
    if (raw.length !== NSECRET) throw new Error('X25519 public key must be 32 bytes');
    return {
      type: 'public',
      raw: raw.slice(),
      // JWK: OpenSSL 3 decodes SPKI DER several times slower, and HPKE imports a key per seal.
      key: nc.createPublicKey({
        key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(raw).toString('base64url') },
        format: 'jwk',
      }),
    };
  };
  const publicOf = (sk: X25519Private): X25519Public => {
    const spki = nc.createPublicKey(sk.key).export({ format: 'der', type: 'spki' });
    return {
      type: 'public',
      raw: new Uint8Array(spki.subarray(spki.length - NSECRET)),
      key: nc.createPublicKey(sk.key),
    };
  };
  const generate = (): { sk: X25519Private; pk: X25519Public } => {
    const pair = nc.generateKeyPairSync('x25519');
    const pkcs8 = pair.privateKey.export({ format: 'der', type: 'pkcs8' });
    const spki = pair.publicKey.export({ format: 'der', type: 'spki' });
    const raw = new Uint8Array(pkcs8.subarray(pkcs8.length - NSECRET));
    pkcs8.fill(0);
    return {
      sk: { type: 'private', raw, key: pair.privateKey },
      pk: {
        type: 'public',
        raw: new Uint8Array(spki.subarray(spki.length - NSECRET)),
        key: pair.publicKey,
      },
    };
  };
  const dh = (sk: X25519Private, pk: X25519Public): Uint8Array => {
    const shared = new Uint8Array(nc.diffieHellman({ privateKey: sk.key, publicKey: pk.key }));
    // RFC 9180 §7.1.4: an all-zero X25519 output (small-order peer key) is an error.
    if (shared.every((b) => b === 0)) throw new Error('X25519 produced the all-zero value');
    return shared;
  };
  const sharedSecret = (dhValue: Uint8Array, enc: Uint8Array, pkR: Uint8Array): Uint8Array => {
    const prk = labeledExtract(KEM_SUITE, EMPTY, 'eae_prk', dhValue);
    return labeledExpand(KEM_SUITE, prk, 'shared_secret', concat(enc, pkR), NSECRET);
  };
  const keySchedule = (
    shared: Uint8Array,
    info: Uint8Array,
  ): { key: Uint8Array; nonce: Uint8Array; exporter: Uint8Array } => {
    const context = concat(
      Uint8Array.of(0x00), // mode_base
      labeledExtract(HPKE_SUITE, EMPTY, 'psk_id_hash', EMPTY),
      labeledExtract(HPKE_SUITE, EMPTY, 'info_hash', info),
    );
    const secret = labeledExtract(HPKE_SUITE, shared, 'secret', EMPTY);
    return {
      key: labeledExpand(HPKE_SUITE, secret, 'key', context, NK),
      nonce: labeledExpand(HPKE_SUITE, secret, 'base_nonce', context, NN),
      exporter: labeledExpand(HPKE_SUITE, secret, 'exp', context, NSECRET),
    };
  };
  const encap = (pkR: X25519Public): { enc: Uint8Array; shared: Uint8Array } => {
    const { sk, pk } = generate();
    return { enc: pk.raw, shared: sharedSecret(dh(sk, pkR), pk.raw, pkR.raw) };
  };
  const decap = (enc: Uint8Array, skR: X25519Private): Uint8Array =>
    sharedSecret(dh(skR, publicKey(enc)), enc, publicOf(skR).raw);

  const seal = (
    key: Uint8Array,
    nonce: Uint8Array,
    aad: Uint8Array,
    plaintext: Uint8Array,
  ): Uint8Array => {
    const cipher = nc.createCipheriv('aes-128-gcm', key, nonce);
    cipher.setAAD(aad);
    const body = cipher.update(plaintext);
    const final = cipher.final();
    return concat(body, final, cipher.getAuthTag());
  };
  const open = (
    key: Uint8Array,
    nonce: Uint8Array,
    aad: Uint8Array,
    sealed: Uint8Array,
  ): Uint8Array => {
    if (sealed.length < NT) throw new Error('ciphertext shorter than its tag');
    const decipher = nc.createDecipheriv('aes-128-gcm', key, nonce);
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.subarray(sealed.length - NT));
    const body = decipher.update(sealed.subarray(0, sealed.length - NT));
    return concat(body, decipher.final());
  };
  const asPrivate = (k: PrivateKey): X25519Private => k as unknown as X25519Private;
  const asPublic = (k: PublicKey): X25519Public => k as unknown as X25519Public;
  const wrapPrivate = (k: X25519Private): PrivateKey => k as unknown as PrivateKey;
  const wrapPublic = (k: X25519Public): PublicKey => k as unknown as PublicKey;
  const sync = <T>(fn: () => T): Promise<T> => {
    try {
      return Promise.resolve(fn());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error('HPKE failure'));
    }
  };

  return {
    keyLength: NK,
    nonceLength: NN,
    seal: (pk, plaintext, info, aad) =>
      sync(() => {
        const { enc, shared } = encap(asPublic(pk));
        const { key, nonce } = keySchedule(shared, info);
        return { ct: seal(key, nonce, aad ?? EMPTY, plaintext), enc };
      }),
    open: (sk, enc, ciphertext, info, aad) =>
      sync(() => {
        const { key, nonce } = keySchedule(decap(enc, asPrivate(sk)), info);
        return open(key, nonce, aad ?? EMPTY, ciphertext);
      }),
    exportSecret: (pk, exporterContext, length, info) =>
      sync(() => {
        const { enc, shared } = encap(asPublic(pk));
        const { exporter } = keySchedule(shared, info);
        return { enc, secret: labeledExpand(HPKE_SUITE, exporter, 'sec', exporterContext, length) };
      }),
    importSecret: (sk, exporterContext, enc, length, info) =>
      sync(() => {
        const { exporter } = keySchedule(decap(enc, asPrivate(sk)), info);
        return labeledExpand(HPKE_SUITE, exporter, 'sec', exporterContext, length);
      }),
    importPrivateKey: (raw) => sync(() => wrapPrivate(privateKey(raw))),
    importPublicKey: (raw) => sync(() => wrapPublic(publicKey(raw))),
    exportPublicKey: (pk) => Promise.resolve(asPublic(pk).raw.slice()),
    exportPrivateKey: (sk) => Promise.resolve(asPrivate(sk).raw.slice()),
    encryptAead: (key, nonce, aad, plaintext) =>
      sync(() => seal(key, nonce, aad ?? EMPTY, plaintext)),
    decryptAead: (key, nonce, aad, ciphertext) =>
      sync(() => open(key, nonce, aad ?? EMPTY, ciphertext)),
    deriveKeyPair: (ikm) =>
      sync(() => {
        const prk = labeledExtract(KEM_SUITE, EMPTY, 'dkp_prk', ikm);
        const sk = privateKey(labeledExpand(KEM_SUITE, prk, 'sk', EMPTY, NSECRET));
        return { privateKey: wrapPrivate(sk), publicKey: wrapPublic(publicOf(sk)) };
      }),
    generateKeyPair: () =>
      sync(() => {
        const { sk, pk } = generate();
        return { privateKey: wrapPrivate(sk), publicKey: wrapPublic(pk) };
      }),
  };
}
