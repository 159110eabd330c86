// What a meeting derives from the current epoch: the SFrame base key, the epoch number, this
// member's leaf index (its SFrame sender index) and the security code people compare.
import { sha256 } from '@noble/hashes/sha2.js';
import { mlsExporter } from 'ts-mls';
import { concatBytes, utf8 } from '../public/bytes.ts';
import { digitGroups } from '../public/digits.ts';
import { requireActive, unwrap, type MeetingState } from './state.ts';

/** RFC 9605 §5.2: base_key = MLS-Exporter("SFrame 1.0 Base Key", "", AEAD.Nk), Nk = 16 for 0x0004. */
export const SFRAME_EXPORTER_LABEL = 'SFrame 1.0 Base Key';
export const SFRAME_BASE_KEY_LENGTH = 16;

const SECURITY_CODE_LABEL = utf8.encode('Conclave security code v1\0');

export async function exportSFrameBaseKey(state: MeetingState): Promise<Uint8Array> {
  const client = requireActive(state);
  return mlsExporter(
    client.keySchedule.exporterSecret,
    SFRAME_EXPORTER_LABEL,
    new Uint8Array(0),
    SFRAME_BASE_KEY_LENGTH,
    state.crypto.impl,
  );
}

export function epoch(state: MeetingState): bigint {
  return unwrap(state).groupContext.epoch;
}

export function groupId(state: MeetingState): Uint8Array {
  return unwrap(state).groupContext.groupId;
}

export function ownLeafIndex(state: MeetingState): number {
  return unwrap(state).privatePath.leafIndex;
}

/**
 * The 20-digit meeting security code: SHA-256("Conclave security code v1" || 0x00 ||
 * epoch_authenticator), first 20 bytes as four 40-bit chunks, each mod 10^5, shown as
 * "ddddd ddddd ddddd ddddd". Every member of an epoch derives the same code; any epoch change
 * changes it.
 */
export function securityCode(state: MeetingState): string {
  const client = requireActive(state);
  return digitGroups(
    sha256(concatBytes(SECURITY_CODE_LABEL, client.keySchedule.epochAuthenticator)),
    4,
  );
}
