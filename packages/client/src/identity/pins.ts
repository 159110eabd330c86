// Trust on first use, persisted: the signature key this client saw for each device (so a changed
// key is flagged, never silently accepted, across meetings and restarts), which devices of each
// person it pinned (so a device first seen after its person was known with another is shown as a
// new device), and the server's external-sender key per server and tenant (a group naming another
// one is refused).
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

/** A pin store that also says, for a device it pinned the first time, which others came before. */
export interface DevicePins extends PinStore {
  /**
   * For a device first pinned by this process: the other devices of its person pinned before it
   * (empty for a person seen for the first time). Undefined for a device pinned before this run.
   */
  priorDevices(identity: MemberIdentity): readonly string[] | undefined;
}

const text = new TextEncoder();
const untext = new TextDecoder();

export class StoredPinStore implements DevicePins {
  readonly #store: KeyValueStore;
  readonly #firstPinned = new Map<string, readonly string[]>();

  constructor(store: KeyValueStore) {
    this.#store = store;
  }

  get(identity: MemberIdentity): Promise<Uint8Array | undefined> {
    return this.#store.get(`pin:${identityKey(identity)}`);
  }

  async set(identity: MemberIdentity, signaturePublicKey: Uint8Array): Promise<void> {
    const indexKey = `pinned-devices:${identity.tenantId}:${identity.userId}`;
    const pinned = readList(await this.#store.get(indexKey));
    const key = identityKey(identity);
    if (!pinned.includes(identity.deviceId) && !this.#firstPinned.has(key))
      this.#firstPinned.set(key, [...pinned]);
    await this.#store.set(`pin:${key}`, signaturePublicKey);
    if (!pinned.includes(identity.deviceId))
      await this.#store.set(indexKey, text.encode(JSON.stringify([...pinned, identity.deviceId])));
  }

  priorDevices(identity: MemberIdentity): readonly string[] | undefined {
    return this.#firstPinned.get(identityKey(identity));
  }
}

function readList(bytes: Uint8Array | undefined): string[] {
  if (bytes === undefined) return [];
  try {
    const value: unknown = JSON.parse(untext.decode(bytes));
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
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
