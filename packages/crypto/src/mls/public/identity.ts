// The identity inside an MLS basic credential (spec "Identity": it names tenant, user and
// device). One byte string has exactly one meaning and every identity has exactly one encoding:
//
//   identity = "CV" (0x43 0x56) || version (0x01) || kind || field...
//   kind     = 0x01 device: tenantId, userId, deviceId
//              0x02 server: tenantId, serverId   (the external sender, never a group member)
//   field    = length (1 byte, 1..255) || UTF-8 bytes (well-formed, no control characters)
//
// Nothing may follow the last field. A decoder that sees another version refuses it rather than
// guessing, so a future format can be introduced without ambiguity.
import { MlsError } from './errors.ts';
import { toHex, utf8 } from './bytes.ts';

export interface MemberIdentity {
  readonly tenantId: string;
  readonly userId: string;
  readonly deviceId: string;
}

export interface ServerIdentity {
  readonly tenantId: string;
  readonly serverId: string;
}

const MAGIC_0 = 0x43;
const MAGIC_1 = 0x56;
const VERSION = 0x01;
const KIND_DEVICE = 0x01;
const KIND_SERVER = 0x02;
const MAX_FIELD = 255;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function encodeIdentity(identity: MemberIdentity): Uint8Array {
  return encodeFields(KIND_DEVICE, [identity.tenantId, identity.userId, identity.deviceId]);
}

/** Throws MlsError('bad_identity') for anything that is not a device identity of this format. */
export function parseIdentity(bytes: Uint8Array): MemberIdentity {
  const fields = decodeFields(bytes, KIND_DEVICE, 3);
  return { tenantId: fields[0] ?? '', userId: fields[1] ?? '', deviceId: fields[2] ?? '' };
}

/** The non-throwing form, for checks on every credential. */
export function tryParseIdentity(bytes: Uint8Array): MemberIdentity | undefined {
  try {
    return parseIdentity(bytes);
  } catch {
    return undefined;
  }
}

export function encodeServerIdentity(identity: ServerIdentity): Uint8Array {
  return encodeFields(KIND_SERVER, [identity.tenantId, identity.serverId]);
}

export function parseServerIdentity(bytes: Uint8Array): ServerIdentity {
  const fields = decodeFields(bytes, KIND_SERVER, 2);
  return { tenantId: fields[0] ?? '', serverId: fields[1] ?? '' };
}

export function identitiesEqual(a: MemberIdentity, b: MemberIdentity): boolean {
  return a.tenantId === b.tenantId && a.userId === b.userId && a.deviceId === b.deviceId;
}

/** A map key for one device; unambiguous because the encoding is. */
export function identityKey(identity: MemberIdentity): string {
  return toHex(encodeIdentity(identity));
}

/**
 * `identityKey` straight from a credential's identity bytes, or undefined if they are not a device
 * identity. The same string, because every identity has exactly one encoding.
 */
export function identityKeyOfBytes(bytes: Uint8Array): string | undefined {
  return tryParseIdentity(bytes) === undefined ? undefined : toHex(bytes);
}

function encodeFields(kind: number, fields: readonly string[]): Uint8Array {
  const encoded = fields.map((field) => {
    if (typeof field !== 'string' || hasControlCharacter(field)) throw new MlsError('bad_identity');
    const bytes = utf8.encode(field);
    if (bytes.length === 0 || bytes.length > MAX_FIELD) throw new MlsError('bad_identity');
    // A lone surrogate would be replaced by U+FFFD, so the string would not survive a round trip.
    if (strictUtf8.decode(bytes) !== field) throw new MlsError('bad_identity');
    return bytes;
  });
  const out = new Uint8Array(4 + encoded.reduce((n, b) => n + 1 + b.length, 0));
  out.set([MAGIC_0, MAGIC_1, VERSION, kind]);
  let offset = 4;
  for (const bytes of encoded) {
    out[offset++] = bytes.length;
    out.set(bytes, offset);
    offset += bytes.length;
  }
  return out;
}

function decodeFields(bytes: Uint8Array, kind: number, count: number): string[] {
  if (!(bytes instanceof Uint8Array) || bytes.length < 4) throw new MlsError('bad_identity');
  if (bytes[0] !== MAGIC_0 || bytes[1] !== MAGIC_1 || bytes[2] !== VERSION || bytes[3] !== kind) {
    throw new MlsError('bad_identity');
  }
  const fields: string[] = [];
  let offset = 4;
  for (let i = 0; i < count; i++) {
    const length = bytes[offset];
    if (length === undefined || length === 0 || offset + 1 + length > bytes.length)
      throw new MlsError('bad_identity');
    let text: string;
    try {
      text = strictUtf8.decode(bytes.subarray(offset + 1, offset + 1 + length));
    } catch (cause) {
      throw new MlsError('bad_identity', { cause });
    }
    if (hasControlCharacter(text)) throw new MlsError('bad_identity');
    fields.push(text);
    offset += 1 + length;
  }
  if (offset !== bytes.length) throw new MlsError('bad_identity');
  return fields;
}

function hasControlCharacter(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f-\u009f]/.test(text);
}
