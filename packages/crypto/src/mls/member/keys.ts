// What a meeting derives from the current epoch: the SFrame base key, the epoch number, this
// member's leaf index (its SFrame sender index) and the security code people compare.
import { sha256 } from '@noble/hashes/sha2.js';
import { mlsExporter } from 'ts-mls';
import { concatBytes, utf8 } from '../public/bytes.ts';
import { digitGroups } from '../public/digits.ts';
import { requireActive, unwrap, type MeetingState } from './state.ts';

/**
 * RFC 9605 §5.2: base_key = MLS-Exporter("SFrame 1.0 Base Key", "", AEAD.Nk): Nk = 16 for 0x0004
 * (classic meetings), 32 for 0x0005 (post-quantum meetings, AES-256-GCM).
 */
export const SFRAME_EXPORTER_LABEL = 'SFrame 1.0 Base Key';
export const SFRAME_BASE_KEY_LENGTH = 16;
export const PQ_SFRAME_BASE_KEY_LENGTH = 32;

/** The SFrame suite a meeting on this MLS suite uses: 0x0005 with X-Wing, else 0x0004. */
export function sframeSuiteOf(state: MeetingState): 0x0004 | 0x0005 {
  return state.crypto.suite.kind === 'post-quantum' ? 0x0005 : 0x0004;
}

const SECURITY_CODE_LABEL = utf8.encode('Conclave security code v1\0');

export async function exportSFrameBaseKey(state: MeetingState): Promise<Uint8Array> {
  const client = requireActive(state);
  return mlsExporter(
    client.keySchedule.exporterSecret,
    SFRAME_EXPORTER_LABEL,
    new Uint8Array(0),
    sframeSuiteOf(state) === 0x0005 ? PQ_SFRAME_BASE_KEY_LENGTH : SFRAME_BASE_KEY_LENGTH,
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
