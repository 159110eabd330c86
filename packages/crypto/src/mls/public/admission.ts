// Organizer admissions (spec/e2ee.md "Group keys": admission is the organizer's, not the server's).
// An organizer's device signs a statement naming who may enter one meeting; members check every
// Add against the statements they can verify, so a server that adds someone no organizer admitted
// is refused. The server stores and relays the statements but cannot make one.
//
// One byte string has exactly one meaning, and every statement exactly one encoding:
//
//   statement = "CA" (0x43 0x41) || version (0x01) || kind
//               || tenantId<V> || meetingId<V> || signer<V> (a device identity, ./identity.ts)
//               || uint64 sequence || uint64 issuedAt || uint64 expiresAt   (ms since the epoch)
//               || users<V> || coOrganizers<V>      (each: user ids as opaque<V>, strictly ascending)
//   kind      = 0x01 invitation list: the meeting's invitees as the organizer last set them;
//                    `sequence` ≥ 1 goes up with every change, the highest one counts
//               0x02 lobby admission: people let in from the lobby; sequence 0, no co-organizers
//
// The signature is MLS's SignWithLabel (RFC 9420 §5.1.2) with the label "Conclave admission":
// Sign(key, SignContent{ "MLS 1.0 Conclave admission", statement }) — a label no MLS message
// uses, so an admission can never be taken for a credential, a commit or a KeyPackage, nor the
// other way round.
import type { MlsCrypto } from './crypto.ts';
import { MlsError, guard } from './errors.ts';
import { concatBytes, utf8 } from './bytes.ts';
import { encodeIdentity, parseIdentity, type MemberIdentity } from './identity.ts';
import { varint } from './signatureKeys.ts';
import { TlsReader } from './tls.ts';

export type AdmissionKind = 'invitation-list' | 'lobby';

export interface AdmissionStatement {
  readonly kind: AdmissionKind;
  readonly tenantId: string;
  readonly meetingId: string;
  /** The organizer's (or a co-organizer's) device that signs. */
  readonly signer: MemberIdentity;
  readonly sequence: number;
  readonly issuedAt: number;
  readonly expiresAt: number;
  /** Who may enter. Any order here; encoded sorted and without repeats. */
  readonly users: readonly string[];
  /** Invitation lists only: people the organizer lets admit from the lobby too (and admits). */
  readonly coOrganizers: readonly string[];
}

/** A statement as it travels: the exact bytes that were signed, and the signature. */
export interface SignedAdmission {
  readonly statement: Uint8Array;
  readonly signature: Uint8Array;
}

const MAGIC = Uint8Array.of(0x43, 0x41);
const VERSION = 0x01;
const KINDS: Record<AdmissionKind, number> = { 'invitation-list': 0x01, lobby: 0x02 };
const LABEL = utf8.encode('MLS 1.0 Conclave admission');
/** Far more people than a meeting may hold; bounds what a decoder accepts. */
const MAX_USERS = 10_000;
const MAX_FIELD = 255;

export function encodeAdmission(statement: AdmissionStatement): Uint8Array {
  const kind = KINDS[statement.kind];
  if (kind === undefined) throw new MlsError('invalid_argument');
  if (statement.kind === 'lobby' && (statement.sequence !== 0 || statement.coOrganizers.length > 0))
    throw new MlsError('invalid_argument');
  if (statement.kind === 'invitation-list' && statement.sequence < 1)
    throw new MlsError('invalid_argument');
  if (!(statement.expiresAt > statement.issuedAt)) throw new MlsError('invalid_argument');
  return concatBytes(
    MAGIC,
    Uint8Array.of(VERSION, kind),
    opaque(text(statement.tenantId)),
    opaque(text(statement.meetingId)),
    opaque(encodeIdentity(statement.signer)),
    uint64(statement.sequence),
    uint64(statement.issuedAt),
    uint64(statement.expiresAt),
    userList(statement.users),
    userList(statement.coOrganizers),
  );
}

/** Throws MlsError('malformed') for anything that is not exactly one statement's encoding. */
export function decodeAdmission(bytes: Uint8Array): AdmissionStatement {
  try {
    return decodeExactly(bytes);
  } catch (cause) {
    // Whatever is wrong inside (a bad identity, an unsorted list, trailing bytes) is one answer.
    throw new MlsError('malformed', { cause });
  }
}

function decodeExactly(bytes: Uint8Array): AdmissionStatement {
  {
    const r = new TlsReader(bytes);
    const magic = r.take(2);
    if (magic[0] !== MAGIC[0] || magic[1] !== MAGIC[1] || r.uint8() !== VERSION)
      throw new MlsError('malformed');
    const kindByte = r.uint8();
    const kind = (Object.keys(KINDS) as AdmissionKind[]).find((k) => KINDS[k] === kindByte);
    if (kind === undefined) throw new MlsError('malformed');
    const statement: AdmissionStatement = {
      kind,
      tenantId: readText(r),
      meetingId: readText(r),
      signer: parseIdentity(r.opaque()),
      sequence: readUint64(r),
      issuedAt: readUint64(r),
      expiresAt: readUint64(r),
      users: readUserList(r),
      coOrganizers: readUserList(r),
    };
    r.end();
    // Re-encoding must give the same bytes: one encoding per meaning (sorted lists, valid fields).
    const again = encodeAdmission(statement);
    if (again.length !== bytes.length || again.some((b, i) => b !== bytes[i]))
      throw new MlsError('malformed');
    return statement;
  }
}

/** Signs `statement` with a device's signature key (the organizer's device, on the client). */
export async function signAdmission(
  crypto: MlsCrypto,
  privateKey: Uint8Array,
  statement: AdmissionStatement,
): Promise<SignedAdmission> {
  const bytes = encodeAdmission(statement);
  const signature = await crypto.impl.signature.sign(privateKey, signContent(bytes));
  return { statement: bytes, signature };
}

/**
 * The statement `signed` carries, if `signerPublicKey` signed it; throws MlsError('malformed')
 * or MlsError('bad_signature'). Who the signer is, and whether they may sign for this meeting,
 * is the caller's to check (their directory key; `admissionCoverage`).
 */
export async function verifyAdmission(
  crypto: MlsCrypto,
  signed: SignedAdmission,
  signerPublicKey: Uint8Array,
): Promise<AdmissionStatement> {
  const statement = decodeAdmission(signed.statement);
  const ok = await guard('bad_signature', () =>
    crypto.impl.signature.verify(signerPublicKey, signContent(signed.statement), signed.signature),
  );
  if (!ok) throw new MlsError('bad_signature');
  return statement;
}

function signContent(statement: Uint8Array): Uint8Array {
  return concatBytes(opaque(LABEL), opaque(statement));
}

function opaque(bytes: Uint8Array): Uint8Array {
  return concatBytes(varint(bytes.length), bytes);
}

function text(value: string): Uint8Array {
  const bytes = utf8.encode(value);
  if (typeof value !== 'string' || bytes.length === 0 || bytes.length > MAX_FIELD)
    throw new MlsError('invalid_argument');
  if (strictUtf8.decode(bytes) !== value) throw new MlsError('invalid_argument');
  return bytes;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function readText(r: TlsReader): string {
  const bytes = r.opaque();
  if (bytes.length === 0 || bytes.length > MAX_FIELD) throw new MlsError('malformed');
  return strictUtf8.decode(bytes);
}

function uint64(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new MlsError('invalid_argument');
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value));
  return out;
}

function readUint64(r: TlsReader): number {
  const value = r.uint64();
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new MlsError('malformed');
  return Number(value);
}

function userList(users: readonly string[]): Uint8Array {
  const sorted = [...new Set(users)].sort(compareIds);
  if (sorted.length > MAX_USERS) throw new MlsError('invalid_argument');
  return opaque(concatBytes(...sorted.map((user) => opaque(text(user)))));
}

function readUserList(r: TlsReader): string[] {
  const list = new TlsReader(r.opaque());
  const users: string[] = [];
  while (list.remaining > 0) {
    if (users.length >= MAX_USERS) throw new MlsError('malformed');
    users.push(readText(list));
  }
  return users;
}

/** Code-unit order: the same on every platform (no locale). */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
