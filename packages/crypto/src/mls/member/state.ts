// The member's group state as an immutable value. The library's state sits behind an opaque type
// so nothing outside this folder depends on ts-mls's shape (a move to ts-mls 2.x stays here).
import type { ClientState } from 'ts-mls';
import { defaultClientConfig } from 'ts-mls/clientConfig.js';
import type { AuthenticationService, ClientConfig } from 'ts-mls';
import type { MlsCrypto } from '../public/crypto.ts';
import { MlsError } from '../public/errors.ts';
import { encodeServerIdentity } from '../public/identity.ts';
import { bytesEqual } from '../public/bytes.ts';
import type { MeetingContext } from './context.ts';
import type { AuthLog } from './auth.ts';

declare const opaque: unique symbol;
/** The library's group state. Opaque: use the functions of this module family. */
export type LibraryState = { readonly [opaque]: 'LibraryState' };

export interface MeetingState {
  /** 'removed' once a commit removed this member: the state can still be read, not used. */
  readonly kind: 'active' | 'removed';
  readonly crypto: MlsCrypto;
  readonly library: LibraryState;
}

/** Throws MlsError 'unsupported_suite' for a group on another suite than `crypto` runs. */
export function wrap(crypto: MlsCrypto, client: ClientState): MeetingState {
  // A member never holds a group on a suite its meeting did not require (no silent downgrade).
  if (client.groupContext.cipherSuite !== crypto.suite.name)
    throw new MlsError('unsupported_suite');
  return {
    kind: client.groupActiveState.kind === 'active' ? 'active' : 'removed',
    crypto,
    library: client as unknown as LibraryState,
  };
}

export function unwrap(state: MeetingState): ClientState {
  return state.library as unknown as ClientState;
}

export function requireActive(state: MeetingState): ClientState {
  const client = unwrap(state);
  if (state.kind !== 'active' || client.groupActiveState.kind !== 'active')
    throw new MlsError('not_active');
  return client;
}

/**
 * The library's configuration for one operation: our authentication service in place of the
 * library's accept-everything default, reporting into `log`. The server's own credential is
 * accepted only where the library validates the `external_senders` extension (group creation),
 * never as a member leaf, so a server key can never enter the tree.
 */
export function clientConfig(
  ctx: MeetingContext,
  log: AuthLog,
  options: { acceptServer?: boolean } = {},
): ClientConfig {
  const serverIdentity = encodeServerIdentity(ctx.server.identity);
  const authService: AuthenticationService = {
    async validateCredential(credential, signaturePublicKey) {
      if (
        options.acceptServer === true &&
        credential.credentialType === 'basic' &&
        bytesEqual(credential.identity, serverIdentity) &&
        bytesEqual(signaturePublicKey, ctx.server.publicKey)
      ) {
        return true;
      }
      const identity = credential.credentialType === 'basic' ? credential.identity : undefined;
      const finding = await ctx.authenticator.authenticate(identity, signaturePublicKey);
      log.record(finding);
      return finding.kind === 'accepted';
    },
  };
  return {
    ...defaultClientConfig,
    keyRetentionConfig: KEY_RETENTION,
    keyPackageEqualityConfig: KEY_PACKAGE_EQUALITY,
    authService,
  };
}

/**
 * When two KeyPackages, or a KeyPackage and a leaf, are the same client: the same signature key,
 * as the library's default says — compared byte by byte with an early exit instead of in constant
 * time. These keys are public, so there is no timing secret; and the library compares every Add
 * of a commit with every other and with every leaf (RFC 9420 §12.2), so a commit adding 894 to
 * 1,000 members cost each member about a million constant-time comparisons (a quarter of a load
 * worker's time in the 1,000-person run; about five times fewer cycles this way).
 */
export const KEY_PACKAGE_EQUALITY: ClientConfig['keyPackageEqualityConfig'] = {
  compareKeyPackages: (a, b) =>
    sameBytes(a.leafNode.signaturePublicKey, b.leafNode.signaturePublicKey),
  compareKeyPackageToLeafNode: (a, b) =>
    sameBytes(a.leafNode.signaturePublicKey, b.signaturePublicKey),
};

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Past epochs whose receiving keys a member keeps, for application messages (chat) that were sent
 * before a commit and reach it after. The delivery service relays a meeting's messages in order,
 * so a message is at most a commit or two behind the reader; the library's default of four costs
 * every member four more copies of the whole secret tree (two secrets for every node, ~1.4 MB at
 * 1,000 members) and keeps old keys longer than forward secrecy wants (RFC 9420 §9.2).
 */
export const KEY_RETENTION: ClientConfig['keyRetentionConfig'] = {
  ...defaultClientConfig.keyRetentionConfig,
  retainKeysForEpochs: 2,
};

/** The library state with this operation's configuration in place. */
export function withConfig(client: ClientState, config: ClientConfig): ClientState {
  return { ...client, clientConfig: config };
}

/** Restored state gets a configuration that refuses every credential until an operation replaces it. */
export const refuseAllConfig: ClientConfig = {
  ...defaultClientConfig,
  keyRetentionConfig: KEY_RETENTION,
  keyPackageEqualityConfig: KEY_PACKAGE_EQUALITY,
  authService: { validateCredential: () => Promise.resolve(false) },
};
