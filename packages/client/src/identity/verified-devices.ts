// Devices this user checked by hand: they compared a device's key fingerprint with its owner (side
// by side, or by scanning the owner's code) and marked it verified. The mark is kept on the
// verifying device only (its KeyValueStore, beside the pins: `verified:<device>` → the signature
// key that was verified) and holds for exactly that key: a device whose key changes loses it, and
// the meeting's `keyChanged` event says it was verified.
import {
  keyFingerprint,
  identityKey,
  type Authenticator,
  type MemberIdentity,
} from '@conclave/crypto/member';
import type { KeyValueStore } from '../store/key-value.ts';

const PREFIX = 'verified:';

export class VerifiedDevices {
  readonly #store: KeyValueStore;
  /** Device → the fingerprint of the key verified (null: read, and not verified). */
  readonly #known = new Map<string, string | null>();
  /** Device → fingerprints of changed keys that removed its mark in this run (kept for events). */
  readonly #revoked = new Map<string, Set<string>>();
  readonly #listeners = new Set<() => void>();

  constructor(store: KeyValueStore) {
    this.#store = store;
  }

  /** The fingerprint of the key verified for `identity`, read from the store. */
  async verifiedFingerprint(identity: MemberIdentity): Promise<string | undefined> {
    const key = identityKey(identity);
    const stored = await this.#store.get(PREFIX + key);
    const fingerprint = stored === undefined ? null : keyFingerprint(stored);
    this.#known.set(key, fingerprint);
    return fingerprint ?? undefined;
  }

  /** Reads the marks of these devices that were not read yet, so `isVerified` can answer them. */
  async load(identities: readonly MemberIdentity[]): Promise<void> {
    const missing = identities.filter((identity) => !this.#known.has(identityKey(identity)));
    await Promise.all(missing.map((identity) => this.verifiedFingerprint(identity)));
  }

  /**
   * Whether `identity` is verified with the key of this fingerprint, as far as this process read
   * (see `load`). A mark for another key is no mark.
   */
  isVerified(identity: MemberIdentity, fingerprint: string): boolean {
    return this.#known.get(identityKey(identity)) === fingerprint;
  }

  /** Marks `identity` verified with this key. The caller checked it is the pinned one. */
  async mark(identity: MemberIdentity, signaturePublicKey: Uint8Array): Promise<void> {
    const key = identityKey(identity);
    await this.#store.set(PREFIX + key, signaturePublicKey);
    this.#known.set(key, keyFingerprint(signaturePublicKey));
    this.#changed();
  }

  /** Removes the mark; true if there was one. */
  async unmark(identity: MemberIdentity): Promise<boolean> {
    const key = identityKey(identity);
    const had = (await this.#store.get(PREFIX + key)) !== undefined;
    if (had) await this.#store.delete(PREFIX + key);
    this.#known.set(key, null);
    if (had) this.#changed();
    return had;
  }

  /**
   * `identity` showed a key (`fingerprint`) other than the pinned one: its mark goes. True if it
   * was verified — then `wasVerified` keeps saying so for this changed key.
   */
  async revoke(identity: MemberIdentity, fingerprint: string): Promise<boolean> {
    const key = identityKey(identity);
    const marked = (this.#known.get(key) ?? null) !== null;
    // A store that cannot be written still must not hide that the device was verified; and the
    // roster shows no mark either way, since a mark holds only for the key verified.
    const had = await this.unmark(identity).catch(() => marked);
    if (!had) return this.wasVerified(identity, fingerprint);
    const revoked = this.#revoked.get(key) ?? new Set<string>();
    revoked.add(fingerprint);
    this.#revoked.set(key, revoked);
    return true;
  }

  /** Whether this changed key of `identity` removed a verification in this run. */
  wasVerified(identity: MemberIdentity, fingerprint: string): boolean {
    return this.#revoked.get(identityKey(identity))?.has(fingerprint) ?? false;
  }

  /** Called after every mark and every removal (rosters show it). Returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }
}

/**
 * The authentication service, with one addition: a device whose key changed loses its verified
 * mark before the finding is reported, so the report can say the device was verified.
 */
export function revokingOnKeyChange(
  authenticator: Authenticator,
  verified: VerifiedDevices,
): Authenticator {
  return {
    async authenticate(identity, signaturePublicKey) {
      const finding = await authenticator.authenticate(identity, signaturePublicKey);
      if (
        finding.kind === 'rejected' &&
        finding.reason === 'key_changed' &&
        finding.identity !== undefined
      ) {
        await verified.revoke(finding.identity, finding.fingerprint);
      }
      return finding;
    },
  };
}
