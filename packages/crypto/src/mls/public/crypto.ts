// Which implementation of the suite's primitives the MLS layer runs on. Injectable, so a browser
// bundle never pulls node:crypto and a benchmark can compare against the library's default.
//
//   node             hash, HMAC, HKDF, Ed25519, HPKE and AES-GCM on node:crypto (Node only)
//   noble            the library's @noble-based provider (browsers, and Node without node:crypto)
//   library-default  the library's default provider: async WebCrypto for every hash (baseline only)
// Every one also signs with keys held as non-extractable CryptoKeys (./provider/heldKeys.ts).
import type * as NodeCrypto from 'node:crypto';
import type { CiphersuiteImpl, CiphersuiteName } from 'ts-mls';
import { getCiphersuiteFromName } from 'ts-mls/crypto/ciphersuite.js';
import { defaultCryptoProvider } from 'ts-mls/crypto/implementation/default/provider.js';
import { nobleCryptoProvider } from 'ts-mls/crypto/implementation/noble/provider.js';
import { MlsError } from './errors.ts';
import { heldKeySigning } from './provider/heldKeys.ts';
import { rememberingVerifies } from './provider/verifiedSignatures.ts';

/** The meeting profile's suite: MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519 (0x0001). */
export const MEETING_SUITE_ID = 0x0001;
export const MEETING_SUITE_NAME: CiphersuiteName = 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519';

export type MlsProviderName = 'node' | 'noble' | 'library-default';

/** The suite implementation every MLS call of this layer runs on. Immutable; share it freely. */
export interface MlsCrypto {
  readonly provider: MlsProviderName;
  /** Library-specific; only the mls/ folder looks inside. */
  readonly impl: CiphersuiteImpl;
}

export interface MlsCryptoOptions {
  /** Default: 'node' where node:crypto exists, else 'noble'. */
  readonly provider?: MlsProviderName;
  /** Suite other than the meeting profile's, for interop vectors only. */
  readonly suite?: CiphersuiteName;
}

export async function createMlsCrypto(options: MlsCryptoOptions = {}): Promise<MlsCrypto> {
  const made = await providerImpl(options);
  return {
    provider: made.provider,
    impl: { ...made.impl, signature: heldKeySigning(made.impl.signature) },
  };
}

async function providerImpl(options: MlsCryptoOptions): Promise<MlsCrypto> {
  const provider = options.provider ?? (isNode() ? 'node' : 'noble');
  const suite = getCiphersuiteFromName(options.suite ?? MEETING_SUITE_NAME);
  switch (provider) {
    case 'library-default':
      return { provider, impl: await defaultCryptoProvider.getCiphersuiteImpl(suite) };
    case 'noble': {
      const impl = await nobleCryptoProvider.getCiphersuiteImpl(suite);
      return { provider, impl: { ...impl, signature: rememberingVerifies(impl.signature) } };
    }
    case 'node': {
      if (suite.name !== MEETING_SUITE_NAME) throw new MlsError('unsupported_suite');
      // A computed specifier keeps bundlers from following node:crypto into a browser build.
      const specifier = 'node:crypto';
      const [nc, { nodeHash, nodeKdf, nodeEd25519 }, { nodeHpke }, base] = await Promise.all([
        import(/* @vite-ignore */ specifier) as Promise<typeof NodeCrypto>,
        import('./provider/node.ts'),
        import('./provider/nodeHpke.ts'),
        nobleCryptoProvider.getCiphersuiteImpl(suite),
      ]);
      return {
        provider,
        impl: {
          ...base,
          hash: nodeHash(nc),
          kdf: nodeKdf(nc),
          signature: rememberingVerifies(nodeEd25519(nc)),
          hpke: nodeHpke(nc),
        },
      };
    }
  }
}

function isNode(): boolean {
  const process = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof process?.versions?.node === 'string';
}
