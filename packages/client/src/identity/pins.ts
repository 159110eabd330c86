// Trust on first use, persisted: the signature key this client saw for each device (so a changed
// key is flagged, never silently accepted, across meetings and restarts), and the server's
// external-sender key per server and tenant (a group naming another one is refused).
import {
  decodeExternalSenderInfo,
  encodeExternalSenderInfo,
  externalSenderInfoEqual,
  identityKey,
  type ExternalSenderInfo,
  type MemberIdentity,
  type PinStore,
} from '@conclave/crypto/member';
import type { KeyValueStore } from '../store/key-value.ts';

export class StoredPinStore implements PinStore {
  readonly #store: KeyValueStore;

  constructor(store: KeyValueStore) {
    this.#store = store;
  }

  get(identity: MemberIdentity): Promise<Uint8Array | undefined> {
    return this.#store.get(`pin:${identityKey(identity)}`);
  }

  set(identity: MemberIdentity, signaturePublicKey: Uint8Array): Promise<void> {
    return this.#store.set(`pin:${identityKey(identity)}`, signaturePublicKey);
  }
}

export type ServerKeyCheck = 'first-use' | 'same' | 'changed';

/** Compares `info` with the key pinned for this server and tenant, pinning it on first use. */
export async function checkServerKey(
  store: KeyValueStore,
  server: string,
  tenantId: string,
  info: ExternalSenderInfo,
): Promise<ServerKeyCheck> {
  const key = `server-key:${server}:${tenantId}`;
  const stored = await store.get(key);
  if (stored !== undefined) {
    let pinned: ExternalSenderInfo | undefined;
    try {
      pinned = decodeExternalSenderInfo(stored);
    } catch {
      pinned = undefined;
    }
    if (pinned !== undefined) return externalSenderInfoEqual(pinned, info) ? 'same' : 'changed';
  }
  await store.set(key, encodeExternalSenderInfo(info));
  return 'first-use';
}
