import { SFrameError } from './errors.ts';

/** RFC 9605 §8.1 cipher suite identifiers. */
export type CipherSuiteId = 0x0001 | 0x0002 | 0x0003 | 0x0004 | 0x0005;

/** AES_128_GCM_SHA256_128: the suite a classic meeting accepts (spec "Media frames"). */
export const MEETING_CIPHER_SUITE = 0x0004 satisfies CipherSuiteId;
/** AES_256_GCM_SHA512_128: the suite a post-quantum meeting accepts, and no other. */
export const PQ_MEETING_CIPHER_SUITE = 0x0005 satisfies CipherSuiteId;
export type MeetingCipherSuite = typeof MEETING_CIPHER_SUITE | typeof PQ_MEETING_CIPHER_SUITE;

export type HashName = 'SHA-256' | 'SHA-512';

/** RFC 9605 Table 1, plus what the back ends need to pick a primitive. */
export interface SuiteParams {
  readonly id: CipherSuiteId;
  readonly name: string;
  readonly aead: 'aes-gcm' | 'aes-ctr-hmac';
  readonly hash: HashName;
  /** Hash output size. */
  readonly nh: number;
  /** AES key size inside the compound AEAD (AES-CTR suites only, else 0). */
  readonly nka: number;
  /** AEAD key size. */
  readonly nk: number;
  /** Nonce size. */
  readonly nn: number;
  /** Tag size. */
  readonly nt: number;
}

const SUITES: Readonly<Record<CipherSuiteId, SuiteParams>> = {
  0x0001: {
    id: 0x0001,
    name: 'AES_128_CTR_HMAC_SHA256_80',
    aead: 'aes-ctr-hmac',
    hash: 'SHA-256',
    nh: 32,
    nka: 16,
    nk: 48,
    nn: 12,
    nt: 10,
  },
  0x0002: {
    id: 0x0002,
    name: 'AES_128_CTR_HMAC_SHA256_64',
    aead: 'aes-ctr-hmac',
    hash: 'SHA-256',
    nh: 32,
    nka: 16,
    nk: 48,
    nn: 12,
    nt: 8,
  },
  0x0003: {
    id: 0x0003,
    name: 'AES_128_CTR_HMAC_SHA256_32',
    aead: 'aes-ctr-hmac',
    hash: 'SHA-256',
    nh: 32,
    nka: 16,
    nk: 48,
    nn: 12,
    nt: 4,
  },
  0x0004: {
    id: 0x0004,
    name: 'AES_128_GCM_SHA256_128',
    aead: 'aes-gcm',
    hash: 'SHA-256',
    nh: 32,
    nka: 0,
    nk: 16,
    nn: 12,
    nt: 16,
  },
  0x0005: {
    id: 0x0005,
    name: 'AES_256_GCM_SHA512_128',
    aead: 'aes-gcm',
    hash: 'SHA-512',
    nh: 64,
    nka: 0,
    nk: 32,
    nn: 12,
    nt: 16,
  },
};

export const CIPHER_SUITES: readonly CipherSuiteId[] = [0x0001, 0x0002, 0x0003, 0x0004, 0x0005];

export function isCipherSuiteId(value: number): value is CipherSuiteId {
  return value === 1 || value === 2 || value === 3 || value === 4 || value === 5;
}

export function suiteParams(id: number): SuiteParams {
  if (!isCipherSuiteId(id))
    throw new SFrameError('unsupported_suite', `unknown SFrame cipher suite ${id}`);
  return SUITES[id];
}
