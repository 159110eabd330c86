// The tenants' external-sender private keys at rest (docs/operations.md). The database holds them
// only sealed (./sealing.ts) under the server's secret key (./secret-key.ts), bound to their tenant.
// On start: the secret key must be the one that sealed the stored keys (else a clear error, and
// nothing changes); a key stored in the clear by an older version is sealed. Rotation re-seals
// every row under a new secret key in one transaction, so no row is left behind.
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { ServerError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { fromBase64 } from '../realtime/bytes.ts';
import type { Store } from '../storage/store.ts';
import { open, seal, sealedWith } from './sealing.ts';
import {
  createKeyFile,
  findSecretKey,
  NEXT_SECRET_KEY_FILE,
  parseSecretKey,
  readKeyFileIfAny,
  SECRET_KEY_ENV,
  SECRET_KEY_FILE,
  type SecretKey,
  type SecretKeyOptions,
} from './secret-key.ts';

export const NEW_SECRET_KEY_ENV = 'CONCLAVE_NEW_SECRET_KEY';

/**
 * What the realtime side uses to store and load its tenants' external-sender key pairs, and single
 * sign-on its tenants' OpenID client secrets (identity/sso/).
 */
export interface ExternalSenderVault {
  seal(tenantId: string, keyPair: Uint8Array): string;
  /** The key pair; throws (naming no key) if the row is not sealed, altered, or another tenant's. */
  open(tenantId: string, stored: string): Uint8Array;
  sealSsoSecret(tenantId: string, secret: string): string;
  /** The client secret; throws (naming no secret) like `open`. */
  openSsoSecret(tenantId: string, stored: string): string;
  /** A sign-in in progress (state, nonce, PKCE verifier), sealed into a short-lived cookie. */
  sealSsoFlow(flow: string): string;
  /** Undefined for anything not sealed by this server as a flow (altered, another key). */
  openSsoFlow(stored: string): string | undefined;
}

const purpose = (tenantId: string) => `external-sender/${tenantId}`;
const ssoPurpose = (tenantId: string) => `oidc-client-secret/${tenantId}`;

function vaultOf(key: SecretKey): ExternalSenderVault {
  return {
    sealSsoSecret: (tenantId, secret) =>
      seal(key, new TextEncoder().encode(secret), ssoPurpose(tenantId)),
    openSsoSecret(tenantId, stored) {
      const opened = open(key, stored, ssoPurpose(tenantId));
      if (opened.kind !== 'ok')
        throw new Error(`the stored single sign-on client secret does not open (${opened.kind})`);
      return new TextDecoder().decode(opened.plaintext);
    },
    sealSsoFlow: (flow) => seal(key, new TextEncoder().encode(flow), 'oidc-flow'),
    openSsoFlow(stored) {
      const opened = open(key, stored, 'oidc-flow');
      return opened.kind === 'ok' ? new TextDecoder().decode(opened.plaintext) : undefined;
    },
    seal: (tenantId, keyPair) => seal(key, keyPair, purpose(tenantId)),
    open(tenantId, stored) {
      const opened = open(key, stored, purpose(tenantId));
      switch (opened.kind) {
        case 'ok':
          return opened.plaintext;
        case 'not-sealed':
          throw new Error('the stored external-sender key is not sealed');
        case 'other-key':
          throw new Error('the stored external-sender key is sealed under another secret key');
        case 'does-not-open':
          throw new Error(
            'the stored external-sender key does not open: altered, or moved from another tenant',
          );
      }
    },
  };
}

function missingKeyFile(dataDir: string, sealedBy: readonly string[]): ServerError {
  return new ServerError(
    'INVALID_INPUT',
    `The secret key file ${join(dataDir, SECRET_KEY_FILE)} is missing, but the database holds external-sender keys sealed with it (key id ${sealedBy.join(', ')}). Restore the file from your backup, or set ${SECRET_KEY_ENV} to that key (docs/operations.md).`,
  );
}

function wrongKey(key: SecretKey, sealedBy: readonly string[]): ServerError {
  return new ServerError(
    'INVALID_INPUT',
    `The secret key from ${key.source} (key id ${key.id}) is not the key that sealed the stored external-sender keys (key id ${sealedBy.join(', ')}). Start with the key they were sealed with (docs/operations.md).`,
  );
}

function plainBytes(stored: string): Uint8Array {
  const bytes = fromBase64(stored);
  if (bytes === undefined) {
    throw new ServerError(
      'INVALID_INPUT',
      'A stored external-sender key is neither sealed nor in the plain form older versions wrote.',
    );
  }
  return bytes;
}

/**
 * Checks the secret key against the stored keys and seals any stored in the clear; returns the
 * vault the realtime side uses. Creates the key file on the first start (no key anywhere yet).
 */
export async function prepareSecretsAtRest(
  store: Store,
  options: SecretKeyOptions,
  log?: Logger,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ExternalSenderVault> {
  const rows = await store.realtime.allExternalSenders();
  const ssoSecrets = await store.sso.sealedSecrets();
  const sealedBy = [
    ...new Set(
      [...rows.map((row) => row.keyPair), ...ssoSecrets.map((row) => row.sealed)].flatMap(
        (stored) => sealedWith(stored) ?? [],
      ),
    ),
  ];
  let key = findSecretKey(options, env);
  if (key === undefined) {
    if (sealedBy.length > 0) throw missingKeyFile(options.dataDir, sealedBy);
    key = createKeyFile(options.dataDir, SECRET_KEY_FILE);
  }
  const current = key;
  const others = sealedBy.filter((id) => id !== current.id);
  if (others.length > 0) {
    const next = readKeyFileIfAny(options.dataDir, NEXT_SECRET_KEY_FILE);
    if (next !== undefined && others.every((id) => id === next.id)) {
      throw new ServerError(
        'INVALID_INPUT',
        `A secret key rotation was interrupted: stored keys are sealed with the next key (key id ${next.id}). Run \`conclave server rotate-secret-key\` again to finish it (docs/operations.md).`,
      );
    }
    throw wrongKey(current, others);
  }

  const plain = rows.filter((row) => sealedWith(row.keyPair) === undefined);
  if (plain.length > 0) {
    await store.transaction(async (tx) => {
      for (const row of plain) {
        const bytes = plainBytes(row.keyPair);
        await tx.realtime.replaceExternalSender(
          row.tenantId,
          row.keyPair,
          seal(current, bytes, purpose(row.tenantId)),
        );
        bytes.fill(0);
      }
    });
    await store.realtime.dropOldCopies();
    log?.info('sealed external-sender keys an older version stored in the clear', {
      count: plain.length,
    });
  }
  return vaultOf(current);
}

export interface RotateSecretKeyOptions extends SecretKeyOptions {
  /** With the current key given (option or environment): the new one, base64. */
  newSecretKey?: string | undefined;
}

export interface RotatedSecretKey {
  /** Rows re-sealed by this run (a resumed run skips those done before it stopped). */
  resealed: number;
  keyId: string;
  previousKeyId: string;
  /** Where the new key now is: the key file's path, or the environment variable to update. */
  where: string;
}

/**
 * Re-seals every stored external-sender key (and single sign-on client secret) under a new secret
 * key. With the key file: the new
 * key is written to `secret.key.next` first, the rows are re-sealed in one transaction, then the
 * file replaces `secret.key` (a run that stops in between is finished by running it again). With
 * CONCLAVE_SECRET_KEY: the new key comes from CONCLAVE_NEW_SECRET_KEY and the operator stores it.
 * Stop the server first: a running one still holds the old key.
 */
export async function rotateSecrets(
  store: Store,
  options: RotateSecretKeyOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RotatedSecretKey> {
  const fromEnvironment = (options.secretKey ?? (env[SECRET_KEY_ENV] || undefined)) !== undefined;
  const rows = await store.realtime.allExternalSenders();
  const ssoSecrets = await store.sso.sealedSecrets();
  const sealedBy = [
    ...new Set(
      [...rows.map((row) => row.keyPair), ...ssoSecrets.map((row) => row.sealed)].flatMap(
        (stored) => sealedWith(stored) ?? [],
      ),
    ),
  ];
  let current = findSecretKey(options, env);
  if (current === undefined) {
    if (sealedBy.length > 0) throw missingKeyFile(options.dataDir, sealedBy);
    current = createKeyFile(options.dataDir, SECRET_KEY_FILE);
  }
  let next: SecretKey;
  if (fromEnvironment) {
    const given = options.newSecretKey ?? (env[NEW_SECRET_KEY_ENV] || undefined);
    if (given === undefined) {
      throw new ServerError(
        'INVALID_INPUT',
        `The secret key comes from ${SECRET_KEY_ENV}: give the new one in ${NEW_SECRET_KEY_ENV}.`,
      );
    }
    next = parseSecretKey(given, NEW_SECRET_KEY_ENV);
  } else {
    next =
      readKeyFileIfAny(options.dataDir, NEXT_SECRET_KEY_FILE) ??
      createKeyFile(options.dataDir, NEXT_SECRET_KEY_FILE);
  }
  if (next.id === current.id) {
    throw new ServerError('INVALID_INPUT', 'The new secret key is the current one.');
  }
  const from = current;
  const unknown = sealedBy.filter((id) => id !== from.id && id !== next.id);
  if (unknown.length > 0) throw wrongKey(from, unknown);

  let resealed = 0;
  await store.transaction(async (tx) => {
    for (const row of rows) {
      const by = sealedWith(row.keyPair);
      if (by === next.id) continue; // re-sealed by a run that stopped before replacing the file
      const bytes =
        by === undefined ? plainBytes(row.keyPair) : vaultOf(from).open(row.tenantId, row.keyPair);
      await tx.realtime.replaceExternalSender(
        row.tenantId,
        row.keyPair,
        seal(next, bytes, purpose(row.tenantId)),
      );
      bytes.fill(0);
      resealed += 1;
    }
    // The single sign-on client secrets move to the new key in the same transaction.
    for (const row of ssoSecrets) {
      if (sealedWith(row.sealed) === next.id) continue;
      const secret = vaultOf(from).openSsoSecret(row.tenantId, row.sealed);
      await tx.sso.resealSecret(row.tenantId, vaultOf(next).sealSsoSecret(row.tenantId, secret));
      resealed += 1;
    }
  });
  await store.realtime.dropOldCopies();
  let where: string = SECRET_KEY_ENV;
  if (!fromEnvironment) {
    where = join(options.dataDir, SECRET_KEY_FILE);
    renameSync(join(options.dataDir, NEXT_SECRET_KEY_FILE), where);
  }
  return { resealed, keyId: next.id, previousKeyId: from.id, where };
}
