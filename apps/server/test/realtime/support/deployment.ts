// A real server on a fresh SQLite directory, seeded with the demo organization (dave: premium,
// may hold E2EE meetings; carol: under compliance recording; alice, bob, admin), and the HTTP steps
// the realtime tests need: sign in, register a device, schedule and start meetings, place calls.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  auditListSchema,
  callResponseSchema,
  deviceResponseSchema,
  directorySchema,
  meetingResponseSchema,
} from '@conclave/protocol';
import { startServer, type RunningServer } from '../../../src/index.ts';
import type { RealtimeOptions } from '../../../src/realtime/index.ts';
import { fastPasswords } from '../../support/databases.ts';
import { ok, signIn, type Session } from '../../support/http.ts';
import { signInvitationList, type Organizer } from './admissions.ts';

export type DemoPerson = 'admin' | 'alice' | 'bob' | 'carol' | 'dave';

export interface SignedIn extends Session {
  readonly person: DemoPerson;
  readonly tenantId: string;
}

export interface Deployment {
  readonly server: RunningServer;
  readonly dataDir: string;
  readonly url: string;
  readonly wsUrl: string;
  readonly logLines: string[];
  readonly people: Record<DemoPerson, SignedIn>;
  close(): Promise<void>;
}

// The demo's admin has the address a fresh server's first admin has (the README works on both).
export const emailOf = (person: DemoPerson) =>
  person === 'admin' ? 'admin@conclave.local' : `${person}@demo.conclave.local`;

/** Realtime defaults for tests: fast batching and fallback, no periodic update unless asked. */
export const testRealtime: RealtimeOptions = {
  batchWindowMs: 100,
  commitTimeoutMs: 1_500,
  updateIntervalMs: 10 * 60_000,
};

export async function startDeployment(
  realtime: RealtimeOptions = {},
  server_: { readonly callRingMs?: number } = {},
): Promise<Deployment> {
  const dataDir = mkdtempSync(join(tmpdir(), 'conclave-realtime-'));
  const logLines: string[] = [];
  const server = await startServer({
    port: 0,
    dataDir,
    demo: true,
    passwordCost: fastPasswords,
    log: (line) => logLines.push(line),
    realtime: { ...testRealtime, ...realtime },
    ...server_,
  });
  const people = {} as Record<DemoPerson, SignedIn>;
  for (const signIn_ of server.demoSignIns ?? []) {
    const person = signIn_.email.split('@')[0] as DemoPerson;
    people[person] = await signInAs(server.url, person, signIn_.password);
  }
  return {
    server,
    dataDir,
    url: server.url,
    wsUrl: toWs(server.url),
    logLines,
    people,
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function signInAs(
  url: string,
  person: DemoPerson,
  password: string,
): Promise<SignedIn> {
  const session = await signIn(url, emailOf(person), password);
  const me = (await session.call('GET', '/api/me')).body as { user: { tenantId: string } };
  return { ...session, person, tenantId: me.user.tenantId };
}

export function toWs(url: string): string {
  return `${url.replace(/^http/, 'ws')}/api/realtime`;
}

export async function registerDevice(
  session: Session,
  publicKeyBase64: string,
  name = 'test device',
): Promise<string> {
  const reply = await session.call('POST', '/api/devices', {
    name,
    signaturePublicKey: publicKeyBase64,
  });
  return ok(reply, deviceResponseSchema, 201).device.id;
}

/** Everyone of the organization now (a test meeting invites them all unless it says otherwise). */
export async function everyone(session: Session): Promise<string[]> {
  const directory = ok(await session.call('GET', '/api/directory/users'), directorySchema);
  return directory.users.map((user) => user.id);
}

/**
 * Schedules and starts a meeting organized by `session`, with everyone of the organization
 * invited (or `invitees`: the others wait in its lobby until let in). An E2EE one has its
 * invitation list signed on the organizer's device (./admissions.ts) unless `signList` is false:
 * without it only the organizer enters directly.
 */
export async function startedMeeting(
  session: Organizer,
  options: { e2ee: boolean; subject?: string; invitees?: readonly string[]; signList?: boolean },
): Promise<string> {
  const invitees = options.invitees ?? (await everyone(session));
  const scheduled = ok(
    await session.call('POST', '/api/meetings', {
      subject: options.subject ?? 'Realtime test',
      options: { endToEndEncryption: options.e2ee },
      invitees,
    }),
    meetingResponseSchema,
    201,
  );
  if (scheduled.meeting.endToEndEncryption.enabled !== options.e2ee) {
    throw new Error(
      `meeting E2EE is ${scheduled.meeting.endToEndEncryption.enabled}, wanted ${options.e2ee}`,
    );
  }
  if (options.e2ee && options.signList !== false)
    await signInvitationList(session, scheduled.meeting.id, invitees);
  ok(
    await session.call('POST', `/api/meetings/${scheduled.meeting.id}/start`),
    meetingResponseSchema,
  );
  return scheduled.meeting.id;
}

/** A meeting not started yet, everyone invited; an E2EE one's list signed as above. */
export async function scheduledMeeting(session: Organizer, e2ee: boolean): Promise<string> {
  const invitees = await everyone(session);
  const reply = await session.call('POST', '/api/meetings', {
    subject: 'Not yet',
    options: { endToEndEncryption: e2ee },
    invitees,
  });
  const id = ok(reply, meetingResponseSchema, 201).meeting.id;
  if (e2ee) await signInvitationList(session, id, invitees);
  return id;
}

export async function placeCall(
  caller: Session,
  callee: string,
): Promise<{ id: string; e2ee: boolean }> {
  const reply = ok(await caller.call('POST', '/api/calls', { callee }), callResponseSchema, 201);
  return { id: reply.call.id, e2ee: reply.decision.endToEndEncryption.enabled };
}

export async function auditEntries(admin: Session, kind: string) {
  const reply = await admin.call('GET', `/api/admin/audit?kind=${kind}&limit=200`);
  return ok(reply, auditListSchema).entries;
}
