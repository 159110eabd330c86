// The server's external-sender key as an attacker who holds the server's whole data folder gets
// it: the database keeps it only sealed (apps/server/src/secrets/sealing.ts), so the attacker opens
// the row with the secret key file beside it — AES-256-GCM, bound to the row's tenant. Tests that
// play a compromised server sign forged proposals with it.
import Database from 'better-sqlite3';
import { createDecipheriv } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createMlsCrypto,
  importExternalSender,
  type ExternalSenderKeyPair,
} from '@conclave/crypto/member';

export async function stolenServerKey(dataDir: string): Promise<ExternalSenderKeyPair> {
  const db = new Database(join(dataDir, 'conclave.sqlite'), {
    readonly: true,
    fileMustExist: true,
  });
  const row = db.prepare('SELECT tenant_id, key_pair FROM realtime_external_senders').get() as {
    tenant_id: string;
    key_pair: string;
  };
  db.close();
  const key = Buffer.from(readFileSync(join(dataDir, 'secret.key'), 'utf8').trim(), 'base64');
  const [version, keyId, body] = row.key_pair.split('.') as [string, string, string];
  const sealed = Buffer.from(body, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
  decipher.setAAD(Buffer.from(`conclave/${version}/${keyId}/external-sender/${row.tenant_id}`));
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  const pair = Buffer.concat([
    decipher.update(sealed.subarray(12, sealed.length - 16)),
    decipher.final(),
  ]);
  return importExternalSender(await createMlsCrypto(), Uint8Array.from(pair));
}
