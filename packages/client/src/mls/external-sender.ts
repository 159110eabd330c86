// The server's external-sender key as `joined` carries it (base64 fields) → the crypto package's
// form. Anything that does not decode is a protocol error: the group cannot be trusted.
import { parseServerIdentity, type ExternalSenderInfo } from '@conclave/crypto/member';
import { fromBase64 } from '../bytes.ts';
import { ClientError } from '../errors.ts';

export function readExternalSender(wire: {
  signaturePublicKey: string;
  identity: string;
}): ExternalSenderInfo {
  const publicKey = fromBase64(wire.signaturePublicKey);
  const identity = fromBase64(wire.identity);
  if (publicKey === undefined || identity === undefined || publicKey.length !== 32) {
    throw new ClientError('protocol');
  }
  try {
    return { identity: parseServerIdentity(identity), publicKey };
  } catch (cause) {
    throw new ClientError('protocol', { cause });
  }
}
