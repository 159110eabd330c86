// Storing a member's state. The serialised state contains the device's signature private key and
// the epoch secrets, so it is only ever stored sealed: AES-256-GCM under a storage key the
// application keeps in the platform's protected storage.
//
//   sealed = "CVM1" || nonce (12) || AES-256-GCM(key, nonce, aad = "CVM1", encodeState(state))
import { decodeGroupState, encodeGroupState } from 'ts-mls';
import type { MlsCrypto } from '../public/crypto.ts';
import { MlsError, guard, guardSync } from '../public/errors.ts';
import { bytesEqual, concatBytes, utf8 } from '../public/bytes.ts';
import { refuseAllConfig, unwrap, wrap, type MeetingState } from './state.ts';

const STATE_MAGIC = utf8.encode('CVM0');
const SEALED_MAGIC = utf8.encode('CVM1');
const NONCE_LENGTH = 12;
const KEY_LENGTH = 32;

/** Plain serialisation. Contains secrets: prefer `sealState`. */
export function encodeState(state: MeetingState): Uint8Array<ArrayBuffer> {
  const { clientConfig: _config, ...groupState } = unwrap(state);
  return concatBytes(STATE_MAGIC, encodeGroupState(groupState));
}

export function decodeState(crypto: MlsCrypto, bytes: Uint8Array): MeetingState {
  return guardSync('state_unreadable', () => {
    if (
      bytes.length < STATE_MAGIC.length ||
      !bytesEqual(bytes.subarray(0, STATE_MAGIC.length), STATE_MAGIC)
    ) {
      throw new MlsError('state_unreadable');
    }
    const decoded = decodeGroupState(bytes, STATE_MAGIC.length);
    if (decoded === undefined || STATE_MAGIC.length + decoded[1] !== bytes.length)
      throw new MlsError('state_unreadable');
    return wrap(crypto, { ...decoded[0], clientConfig: refuseAllConfig });
  });
}

export async function sealState(state: MeetingState, storageKey: Uint8Array): Promise<Uint8Array> {
  const key = await importKey(storageKey, 'encrypt');
  const nonce = globalThis.crypto.getRandomValues(new Uint8Array(NONCE_LENGTH));
  const plaintext = encodeState(state);
  try {
    const sealed = await globalThis.crypto.subtle.encrypt(
      { name: 'AES-GCM', iv: nonce, additionalData: SEALED_MAGIC },
      key,
      plaintext,
    );
    return concatBytes(SEALED_MAGIC, nonce, new Uint8Array(sealed));
  } finally {
    plaintext.fill(0);
  }
}

export async function openState(
  crypto: MlsCrypto,
  sealed: Uint8Array,
  storageKey: Uint8Array,
): Promise<MeetingState> {
  if (
    sealed.length < SEALED_MAGIC.length + NONCE_LENGTH + 16 ||
    !bytesEqual(sealed.subarray(0, SEALED_MAGIC.length), SEALED_MAGIC)
  ) {
    throw new MlsError('state_unreadable');
  }
  const key = await importKey(storageKey, 'decrypt');
  const nonce = sealed.slice(SEALED_MAGIC.length, SEALED_MAGIC.length + NONCE_LENGTH);
  const ciphertext = sealed.slice(SEALED_MAGIC.length + NONCE_LENGTH);
  const plaintext = await guard(
    'state_unreadable',
    async () =>
      new Uint8Array(
        await globalThis.crypto.subtle.decrypt(
          { name: 'AES-GCM', iv: nonce, additionalData: SEALED_MAGIC },
          key,
          ciphertext,
        ),
      ),
  );
  // Not wiped: the decoded state's secrets are views into this buffer.
  return decodeState(crypto, plaintext);
}

function importKey(storageKey: Uint8Array, usage: 'encrypt' | 'decrypt'): Promise<CryptoKey> {
  if (!(storageKey instanceof Uint8Array) || storageKey.length !== KEY_LENGTH)
    throw new MlsError('invalid_argument');
  return globalThis.crypto.subtle.importKey('raw', new Uint8Array(storageKey), 'AES-GCM', false, [
    usage,
  ]);
}
