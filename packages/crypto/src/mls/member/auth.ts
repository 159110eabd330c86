// The MLS authentication service of a client (spec "Identity"). A credential is accepted only if
//   1. it is a basic credential whose identity parses as a Conclave device identity,
//   2. the directory says that user may be in this meeting and knows that device,
//   3. its signature key is the directory's key for the device, and
//   4. it is the key this client pinned for the device before (trust on first use).
// A key that differs from the pinned one is refused and reported as `key_changed`, so the UI can
// show it; the user may then accept the new key explicitly (`acceptChangedKey`).
import { keyFingerprint } from '../public/fingerprint.ts';
import { bytesEqual } from '../public/bytes.ts';
import { identityKey, tryParseIdentity, type MemberIdentity } from '../public/identity.ts';

export type DirectoryAnswer =
  /** The user may be in this meeting; the device's registered signature key. */
  | { readonly kind: 'admitted'; readonly signaturePublicKey: Uint8Array }
  /** The device is known but its user may not be in this meeting. */
  | { readonly kind: 'not_admitted' }
  | { readonly kind: 'unknown_device' };

/** Injected: the server's directory as this client sees it (may be data prefetched from the server). */
export interface Directory {
  lookup(identity: MemberIdentity): DirectoryAnswer | Promise<DirectoryAnswer>;
}

/** Injected: the keys this client has seen per device, kept across meetings and restarts. */
export interface PinStore {
  get(identity: MemberIdentity): Uint8Array | undefined | Promise<Uint8Array | undefined>;
  set(identity: MemberIdentity, signaturePublicKey: Uint8Array): void | Promise<void>;
}

export class InMemoryPinStore implements PinStore {
  private readonly pins = new Map<string, Uint8Array>();

  get(identity: MemberIdentity): Uint8Array | undefined {
    return this.pins.get(identityKey(identity));
  }

  set(identity: MemberIdentity, signaturePublicKey: Uint8Array): void {
    this.pins.set(identityKey(identity), signaturePublicKey.slice());
  }
}

export type AuthRejectionReason =
  | 'unsupported_credential'
  | 'bad_identity'
  | 'unknown_device'
  | 'not_admitted'
  | 'directory_key_mismatch'
  | 'key_changed';

export type AuthFinding =
  | {
      readonly kind: 'accepted';
      readonly identity: MemberIdentity;
      readonly fingerprint: string;
      /** True when this key was pinned just now (first sight of the device). */
      readonly firstUse: boolean;
    }
  | {
      readonly kind: 'rejected';
      readonly reason: AuthRejectionReason;
      readonly identity?: MemberIdentity;
      readonly fingerprint: string;
      /** For `key_changed`: the fingerprint of the key pinned before. */
      readonly pinnedFingerprint?: string;
    };

/** What an operation reports for the UI: refused credentials (incl. changed keys) and first-seen devices. */
export type AuthEvent = AuthFinding;

export interface Authenticator {
  /** `identity` is the basic credential's identity, or undefined for any other credential type. */
  authenticate(
    identity: Uint8Array | undefined,
    signaturePublicKey: Uint8Array,
  ): Promise<AuthFinding>;
}

export interface AuthenticatorOptions {
  readonly directory: Directory;
  readonly pins: PinStore;
}

export function createAuthenticator({ directory, pins }: AuthenticatorOptions): Authenticator {
  return {
    async authenticate(identityBytes, signaturePublicKey) {
      const fingerprint = keyFingerprint(signaturePublicKey);
      if (identityBytes === undefined)
        return { kind: 'rejected', reason: 'unsupported_credential', fingerprint };
      const identity = tryParseIdentity(identityBytes);
      if (identity === undefined) return { kind: 'rejected', reason: 'bad_identity', fingerprint };
      const answer = await directory.lookup(identity);
      switch (answer.kind) {
        case 'unknown_device':
        case 'not_admitted':
          return { kind: 'rejected', reason: answer.kind, identity, fingerprint };
        case 'admitted':
          break;
      }
      if (!bytesEqual(answer.signaturePublicKey, signaturePublicKey)) {
        return { kind: 'rejected', reason: 'directory_key_mismatch', identity, fingerprint };
      }
      const pinned = await pins.get(identity);
      if (pinned === undefined) {
        await pins.set(identity, signaturePublicKey);
        return { kind: 'accepted', identity, fingerprint, firstUse: true };
      }
      if (!bytesEqual(pinned, signaturePublicKey)) {
        return {
          kind: 'rejected',
          reason: 'key_changed',
          identity,
          fingerprint,
          pinnedFingerprint: keyFingerprint(pinned),
        };
      }
      return { kind: 'accepted', identity, fingerprint, firstUse: false };
    },
  };
}

/** The user's explicit decision to trust a device's new key (after a `key_changed` event). */
export async function acceptChangedKey(
  pins: PinStore,
  identity: MemberIdentity,
  signaturePublicKey: Uint8Array,
): Promise<void> {
  await pins.set(identity, signaturePublicKey);
}

/** A directory from data prefetched from the server (`GET /api/directory/users` plus the meeting's admission decision). */
export function staticDirectory(entries: {
  readonly devices: readonly {
    readonly identity: MemberIdentity;
    readonly signaturePublicKey: Uint8Array;
  }[];
  /** Users who may be in this meeting; every listed device's user when omitted. */
  readonly admittedUserIds?: ReadonlySet<string>;
}): Directory {
  const byDevice = new Map(
    entries.devices.map((d) => [identityKey(d.identity), d.signaturePublicKey.slice()]),
  );
  return {
    lookup(identity) {
      const key = byDevice.get(identityKey(identity));
      if (key === undefined) return { kind: 'unknown_device' };
      if (entries.admittedUserIds !== undefined && !entries.admittedUserIds.has(identity.userId))
        return { kind: 'not_admitted' };
      return { kind: 'admitted', signaturePublicKey: key };
    },
  };
}

/** Collects what the authentication service decided during one operation, without duplicates. */
export class AuthLog {
  private readonly seen = new Set<string>();
  private readonly events: AuthEvent[] = [];
  private rejectedCount = 0;

  record(finding: AuthFinding): void {
    if (finding.kind === 'rejected') this.rejectedCount++;
    if (finding.kind === 'accepted' && !finding.firstUse) return;
    const key = `${finding.kind}:${finding.kind === 'rejected' ? finding.reason : ''}:${finding.fingerprint}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.events.push(finding);
  }

  get anyRejected(): boolean {
    return this.rejectedCount > 0;
  }

  list(): AuthEvent[] {
    return [...this.events];
  }
}
