// Organizer-signed admissions for the server's tests (spec/e2ee.md "Group keys"): an organizer's
// device — a real signature key, registered through the devices API — signs the invitation list or
// a lobby admission, and hands it in at POST /api/meetings/:id/admissions, as the SDK does.
import {
  createMlsCrypto,
  signAdmission,
  type AdmissionStatement,
  type MlsCrypto,
} from '@conclave/crypto/server';
/* eslint-disable no-restricted-imports -- the tests play an organizer's device; server code never imports the member side */
import { createDevice, type DeviceCredential } from '@conclave/crypto/member';
/* eslint-enable no-restricted-imports */
import { admissionSubmittedSchema } from '@conclave/protocol';
import { ok, type Reply, type Session } from '../../support/http.ts';

let sharedCrypto: Promise<MlsCrypto> | undefined;
const mlsCrypto = (): Promise<MlsCrypto> => (sharedCrypto ??= createMlsCrypto());

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/** An organizer session that knows its tenant (SignedIn, or a test's own). */
export type Organizer = Session & { readonly tenantId: string };

/** One signing device per signed-in session, registered on first use. */
const devices = new Map<string, Promise<DeviceCredential>>();

export function signingDevice(session: Organizer): Promise<DeviceCredential> {
  let device = devices.get(session.token);
  if (device === undefined) {
    device = registerSigningDevice(session);
    devices.set(session.token, device);
  }
  return device;
}

async function registerSigningDevice(session: Organizer): Promise<DeviceCredential> {
  const crypto = await mlsCrypto();
  const draft = await createDevice(crypto, {
    tenantId: session.tenantId,
    userId: session.userId,
    deviceId: 'unregistered',
  });
  const reply = await session.call('POST', '/api/devices', {
    name: 'organizer test device',
    signaturePublicKey: b64(draft.keyPair.publicKey),
  });
  const { device } = reply.body as { device: { id: string } };
  if (reply.status !== 201) throw new Error(`device registration answered ${reply.status}`);
  return {
    identity: { tenantId: session.tenantId, userId: session.userId, deviceId: device.id },
    keyPair: draft.keyPair,
  };
}

/** Sequences handed out per meeting, so each new list is newer than the last. */
const sequences = new Map<string, number>();

export interface StatementDraft {
  readonly kind?: AdmissionStatement['kind'];
  readonly users?: readonly string[];
  readonly coOrganizers?: readonly string[];
  readonly sequence?: number;
  readonly tenantId?: string;
  readonly meetingId?: string;
  readonly issuedAt?: number;
  readonly expiresAt?: number;
}

/** The statement `session`'s device signs for `meetingId`, wire-ready (base64). */
export async function signedStatement(
  session: Organizer,
  meetingId: string,
  draft: StatementDraft = {},
  device?: DeviceCredential,
): Promise<{ statement: string; signature: string }> {
  const signer = device ?? (await signingDevice(session));
  const kind = draft.kind ?? 'invitation-list';
  let sequence = draft.sequence;
  if (sequence === undefined && kind === 'invitation-list') {
    sequence = (sequences.get(meetingId) ?? 0) + 1;
    sequences.set(meetingId, sequence);
  }
  const issuedAt = draft.issuedAt ?? Date.now();
  const signed = await signAdmission(await mlsCrypto(), signer.keyPair.privateKey, {
    kind,
    tenantId: draft.tenantId ?? session.tenantId,
    meetingId: draft.meetingId ?? meetingId,
    signer: signer.identity,
    sequence: sequence ?? 0,
    issuedAt,
    expiresAt: draft.expiresAt ?? issuedAt + 24 * 3_600_000,
    users: draft.users ?? [],
    coOrganizers: draft.coOrganizers ?? [],
  });
  return { statement: b64(signed.statement), signature: b64(signed.signature) };
}

/** Hands a signed statement in; the raw reply, for tests of refusals. */
export async function submitStatement(
  session: Session,
  meetingId: string,
  admission: { statement: string; signature: string },
): Promise<Reply> {
  return session.call('POST', `/api/meetings/${meetingId}/admissions`, { admission });
}

/** Signs and hands in the invitation list naming `users` (the next sequence): 201 or throws. */
export async function signInvitationList(
  session: Organizer,
  meetingId: string,
  users: readonly string[],
  coOrganizers: readonly string[] = [],
): Promise<void> {
  const admission = await signedStatement(session, meetingId, { users, coOrganizers });
  ok(await submitStatement(session, meetingId, admission), admissionSubmittedSchema, 201);
}

/** Signs and hands in a lobby admission of `users` on `session`'s device: 201 or throws. */
export async function signLobbyAdmission(
  session: Organizer,
  meetingId: string,
  users: readonly string[],
): Promise<void> {
  const admission = await signedStatement(session, meetingId, { kind: 'lobby', users });
  ok(await submitStatement(session, meetingId, admission), admissionSubmittedSchema, 201);
}

/** Hands a signed statement in for a call; the raw reply, for tests of refusals. */
export async function submitCallStatement(
  session: Session,
  callId: string,
  admission: { statement: string; signature: string },
): Promise<Reply> {
  return session.call('POST', `/api/calls/${callId}/admissions`, { admission });
}

/** The caller's device signs the callee of an E2EE call, as the SDK does on placing it. */
export async function signCallee(caller: Organizer, callId: string, callee: string): Promise<void> {
  const admission = await signedStatement(caller, callId, { users: [callee], sequence: 1 });
  ok(await submitCallStatement(caller, callId, admission), admissionSubmittedSchema, 201);
}
