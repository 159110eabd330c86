// The server's external-sender identity (RFC 9420 §12.1.8.1): the key it signs Add and Remove
// proposals with. Clients get its public half from the server's configuration and join only
// groups whose `external_senders` extension names exactly this key.
import type { Extension } from 'ts-mls';
import { decodeExternalSender, encodeExternalSender } from 'ts-mls/externalSender.js';
import type { MlsCrypto } from './crypto.ts';
import { MlsError, guardSync } from './errors.ts';
import { bytesEqual, utf8 } from './bytes.ts';
import { encodeServerIdentity, parseServerIdentity, type ServerIdentity } from './identity.ts';
import {
  checkSignatureKeyPair,
  decodeKeyPairRecord,
  encodeKeyPairRecord,
  generateSignatureKeyPair,
  varint,
  type SignatureKeyPair,
} from './signatureKeys.ts';
import { TlsReader } from './tls.ts';

/** The public half: what every client pins as "the server of this tenant". */
export interface ExternalSenderInfo {
  readonly identity: ServerIdentity;
  readonly publicKey: Uint8Array;
}

export interface ExternalSenderKeyPair extends SignatureKeyPair {
  readonly identity: ServerIdentity;
}

const PAIR_MAGIC = utf8.encode('CVS1');
const INFO_MAGIC = utf8.encode('CVs1');

export async function generateExternalSender(
  crypto: MlsCrypto,
  identity: ServerIdentity,
): Promise<ExternalSenderKeyPair> {
  encodeServerIdentity(identity); // refuses an identity that cannot be encoded
  return { identity, ...(await generateSignatureKeyPair(crypto)) };
}

export function externalSenderInfo(pair: ExternalSenderKeyPair): ExternalSenderInfo {
  return { identity: pair.identity, publicKey: pair.publicKey };
}

/** Storage form of the server key pair. Contains the private key. */
export function exportExternalSender(pair: ExternalSenderKeyPair): Uint8Array {
  return encodeKeyPairRecord(PAIR_MAGIC, encodeServerIdentity(pair.identity), pair);
}

export async function importExternalSender(
  crypto: MlsCrypto,
  bytes: Uint8Array,
): Promise<ExternalSenderKeyPair> {
  const { identity, pair } = guardSync('malformed', () => decodeKeyPairRecord(PAIR_MAGIC, bytes));
  const parsed = parseServerIdentity(identity);
  await checkSignatureKeyPair(crypto, pair);
  return { identity: parsed, ...pair };
}

/** Public form, for handing the server key to clients. */
export function encodeExternalSenderInfo(info: ExternalSenderInfo): Uint8Array {
  const identity = encodeServerIdentity(info.identity);
  if (info.publicKey.length !== 32) throw new MlsError('bad_key');
  const out = new Uint8Array(
    INFO_MAGIC.length + varint(identity.length).length + identity.length + 32,
  );
  out.set(INFO_MAGIC);
  out.set(varint(identity.length), INFO_MAGIC.length);
  out.set(identity, INFO_MAGIC.length + varint(identity.length).length);
  out.set(info.publicKey, out.length - 32);
  return out;
}

export function decodeExternalSenderInfo(bytes: Uint8Array): ExternalSenderInfo {
  return guardSync('malformed', () => {
    const r = new TlsReader(bytes);
    if (!bytesEqual(r.take(INFO_MAGIC.length), INFO_MAGIC)) throw new MlsError('malformed');
    const identity = parseServerIdentity(r.opaque());
    const publicKey = r.take(32).slice();
    r.end();
    return { identity, publicKey };
  });
}

export function externalSenderInfoEqual(a: ExternalSenderInfo, b: ExternalSenderInfo): boolean {
  return (
    bytesEqual(a.publicKey, b.publicKey) &&
    bytesEqual(encodeServerIdentity(a.identity), encodeServerIdentity(b.identity))
  );
}

/** The group-context extension naming the server as the one external sender. */
export function externalSendersExtension(info: ExternalSenderInfo): Extension {
  return {
    extensionType: 'external_senders',
    extensionData: encodeExternalSender({
      signaturePublicKey: info.publicKey,
      credential: { credentialType: 'basic', identity: encodeServerIdentity(info.identity) },
    }),
  };
}

/**
 * The external senders a group context names, in order. ts-mls stores one sender per extension
 * entry; an entry that does not decode as a Conclave server makes the whole list unusable.
 */
export function readExternalSenders(
  extensions: readonly Extension[],
): ExternalSenderInfo[] | undefined {
  const out: ExternalSenderInfo[] = [];
  for (const extension of extensions) {
    if (extension.extensionType !== 'external_senders') continue;
    const decoded = decodeExternalSender(extension.extensionData, 0);
    if (decoded === undefined || decoded[1] !== extension.extensionData.length) return undefined;
    const sender = decoded[0];
    if (sender.credential.credentialType !== 'basic') return undefined;
    try {
      out.push({
        identity: parseServerIdentity(sender.credential.identity),
        publicKey: sender.signaturePublicKey,
      });
    } catch {
      return undefined;
    }
  }
  return out;
}
