// A signed admission statement as a device hands it in (meetings: ./signed-admissions.ts; calls:
// ./call-admissions.ts), checked as a member would check it before anything else is asked of it.
// Refusals are typed and say which check failed in a plain sentence; none names a person, a device
// or a key, so they are safe to log.
import {
  MlsError,
  createMlsCrypto,
  decodeAdmission,
  verifyAdmission,
  type AdmissionStatement,
  type MlsCrypto,
} from '@conclave/crypto/server';
import type { SignedAdmissionWire } from '@conclave/protocol';
import type { AppContext } from '../context.ts';
import { ServerError } from '../errors.ts';
import type { Session } from '../http/route.ts';
import { fromBase64 } from '../realtime/bytes.ts';

/**
 * A statement the caller hands in for meeting or call `targetId`, checked as a member would: one
 * encoding, this tenant and target, signed by one of the caller's own registered devices, not
 * expired. What may be in it is the caller's to check next (meeting and call rules differ).
 */
export async function checkedSubmission(
  ctx: AppContext,
  session: Session,
  targetId: string,
  wire: SignedAdmissionWire,
  now: number,
): Promise<AdmissionStatement> {
  const { tenantId, user } = session;
  const statementBytes = fromBase64(wire.statement);
  const signature = fromBase64(wire.signature);
  if (statementBytes === undefined || signature === undefined)
    throw refused('The statement and the signature must be standard padded base64.');
  const claimed = decoded(statementBytes);
  if (claimed.tenantId !== tenantId || claimed.meetingId !== targetId)
    throw refused('The statement is for another meeting.');
  if (claimed.signer.tenantId !== tenantId || claimed.signer.userId !== user.id)
    throw refused('The statement must be signed on one of your own devices.');
  const devices = await ctx.store.devices.listForUser(tenantId, user.id);
  const device = devices.find((d) => d.id === claimed.signer.deviceId);
  const key = device === undefined ? undefined : fromBase64(device.signaturePublicKey);
  if (key === undefined) throw refused('The statement names a device you have not registered.');
  const statement = await verified(statementBytes, signature, key);
  if (statement.expiresAt <= now) throw refused('The statement has expired.');
  return statement;
}

/** A statement not taken: `ADMISSION_REFUSED` with a sentence naming no one. */
export function refused(message: string): ServerError {
  return new ServerError('ADMISSION_REFUSED', message);
}

function decoded(bytes: Uint8Array): AdmissionStatement {
  try {
    return decodeAdmission(bytes);
  } catch (cause) {
    throw new ServerError('ADMISSION_REFUSED', 'The statement is not a Conclave admission.', {
      cause,
    });
  }
}

async function verified(
  statement: Uint8Array,
  signature: Uint8Array,
  key: Uint8Array,
): Promise<AdmissionStatement> {
  try {
    return await verifyAdmission(await mlsCrypto(), { statement, signature }, key);
  } catch (cause) {
    if (!(cause instanceof MlsError)) throw cause;
    throw new ServerError(
      'ADMISSION_REFUSED',
      "The signature does not verify with the signing device's registered key.",
      { cause },
    );
  }
}

let crypto: Promise<MlsCrypto> | undefined;

/** One MLS crypto provider for the process, made on first use. */
function mlsCrypto(): Promise<MlsCrypto> {
  crypto ??= createMlsCrypto();
  return crypto;
}
