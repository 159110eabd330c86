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
import { MlsError, guard } from './errors.ts';
import { heldKeySigning } from './provider/heldKeys.ts';
import { rememberingVerifies } from './provider/verifiedSignatures.ts';

/** The meeting profile's suite: MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519 (0x0001). */
export const MEETING_SUITE_ID = 0x0001;
export const MEETING_SUITE_NAME: CiphersuiteName = 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519';

/**
 * The post-quantum profile's suite: MLS_256_XWING_AES256GCM_SHA512_Ed25519 (0x0053). The X-Wing
 * hybrid KEM (ML-KEM-768 + X25519) protects every path secret and Welcome; signatures stay
 * Ed25519, so device keys and the server's external-sender key keep their form.
 */
export const PQ_MEETING_SUITE_ID = 0x0053;
export const PQ_MEETING_SUITE_NAME: CiphersuiteName = 'MLS_256_XWING_AES256GCM_SHA512_Ed25519';

/** The two suites a meeting may run on: the wire name is 'classic' or 'post-quantum'. */
export type MeetingSuiteKind = 'classic' | 'post-quantum';

/** A suite's fixed sizes this layer checks before the library sees the bytes. */
export interface MeetingSuite {
  readonly kind: MeetingSuiteKind;
  readonly id: number;
  readonly name: CiphersuiteName;
  /** HPKE public key (init key and leaf encryption key) length in bytes. */
  readonly hpkePublicKeyLength: number;
}

export const MEETING_SUITES: Readonly<Record<MeetingSuiteKind, MeetingSuite>> = {
  classic: {
    kind: 'classic',
    id: MEETING_SUITE_ID,
    name: MEETING_SUITE_NAME,
    hpkePublicKeyLength: 32,
  },
  // X-Wing public key: ML-KEM-768's 1184 bytes followed by X25519's 32.
  'post-quantum': {
    kind: 'post-quantum',
    id: PQ_MEETING_SUITE_ID,
    name: PQ_MEETING_SUITE_NAME,
    hpkePublicKeyLength: 1216,
  },
};

export type MlsProviderName = 'node' | 'noble' | 'library-default';

/** The suite implementation every MLS call of this layer runs on. Immutable; share it freely. */
export interface MlsCrypto {
  readonly provider: MlsProviderName;
  /** Library-specific; only the mls/ folder looks inside. */
  readonly impl: CiphersuiteImpl;
  /** The one suite this implementation runs; groups and KeyPackages of another are refused. */
  readonly suite: MeetingSuite;
}

export interface MlsCryptoOptions {
  /** Default: 'node' where node:crypto exists, else 'noble'. */
  readonly provider?: MlsProviderName;
  /** Default 'classic'. 'node' runs only 'classic'; the default provider for another is 'noble'. */
  readonly meetingSuite?: MeetingSuiteKind;
  /** Suite other than the meeting profiles', for interop vectors only. */
  readonly suite?: CiphersuiteName;
}

/** A wire name of a meeting suite, or undefined for anything else. */
export function meetingSuiteOf(kind: unknown): MeetingSuite | undefined {
  return kind === 'classic' || kind === 'post-quantum' ? MEETING_SUITES[kind] : undefined;
}

export async function createMlsCrypto(options: MlsCryptoOptions = {}): Promise<MlsCrypto> {
  const meetingSuite = MEETING_SUITES[options.meetingSuite ?? 'classic'];
  if (meetingSuite === undefined) throw new MlsError('unsupported_suite');
  const made = await providerImpl(options, meetingSuite);
  return {
    provider: made.provider,
    impl: { ...made.impl, signature: heldKeySigning(made.impl.signature) },
    suite: meetingSuite,
  };
}

async function providerImpl(
  options: MlsCryptoOptions,
  meetingSuite: MeetingSuite,
): Promise<Omit<MlsCrypto, 'suite'>> {
  const provider =
    options.provider ?? (isNode() && meetingSuite.kind === 'classic' ? 'node' : 'noble');
  const suite = getCiphersuiteFromName(options.suite ?? meetingSuite.name);
  switch (provider) {
    case 'library-default':
      return {
        provider,
        impl: await guard('unsupported_suite', () =>
          defaultCryptoProvider.getCiphersuiteImpl(suite),
        ),
      };
    case 'noble': {
      // The X-Wing KEM is the optional peer dependency @hpke/hybridkem-x-wing (pinned here).
      const impl = await guard('unsupported_suite', () =>
        nobleCryptoProvider.getCiphersuiteImpl(suite),
      );
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
