// What a load run needs on the server, made through the REST API with an admin session: N users
// with the E2EE licence, each signed in, and a meeting (E2EE or not) scheduled by the first,
// everyone invited, started. For an E2EE meeting the organizer's device signs the invitation list
// (members admit no one else): the run signs in a device of the organizer's for that.
import { randomBytes } from 'node:crypto';
import { ConclaveClient, MemoryStore } from '@conclave/client';
import { nodeWebSocketFactory } from '@conclave/client/node';
import { ApiClient } from '../api/client.ts';
import type { MeetingWithDecision, SignInResponse } from '../api/types.ts';
import { CliError } from '../errors.ts';
import type { LoadAccount } from './load-protocol.ts';

export interface Provisioned {
  readonly accounts: LoadAccount[];
  readonly meetingId: string;
}

export async function provisionLoad(
  admin: ApiClient,
  options: { participants: number; e2ee: boolean; onProgress?: (done: number) => void },
): Promise<Provisioned> {
  const run = randomBytes(4).toString('hex');
  const accounts: LoadAccount[] = [];
  for (let i = 0; i < options.participants; i++) {
    const email = `load-${run}-${i + 1}@load.conclave.example`;
    const password = randomBytes(18).toString('base64url');
    const created = await admin.post<{ user: { id: string } }>('/api/admin/users', {
      email,
      displayName: `Load ${i + 1}`,
      premium: true,
      password,
      mustChangePassword: false,
    });
    const session = await new ApiClient({ server: admin.server }).post<SignInResponse>(
      '/api/auth/sign-in',
      { email, password },
    );
    accounts.push({ token: session.token, userId: created.user.id });
    options.onProgress?.(i + 1);
  }
  const organizer = new ApiClient({ server: admin.server, token: accounts[0]!.token });
  const { meeting } = await organizer.post<MeetingWithDecision>('/api/meetings', {
    subject: `Load test ${run}`,
    options: { endToEndEncryption: options.e2ee },
    invitees: accounts.slice(1).map((a) => a.userId),
  });
  if (meeting.endToEndEncryption.enabled !== options.e2ee) {
    throw new CliError(
      'failed',
      `the server's policies did not allow ${options.e2ee ? 'an E2EE' : 'a standard'} meeting for the load users`,
    );
  }
  if (options.e2ee) await signInvitations(admin.server, accounts, meeting.id);
  await organizer.post(`/api/meetings/${encodeURIComponent(meeting.id)}/start`);
  return { accounts, meetingId: meeting.id };
}

async function signInvitations(
  server: string,
  accounts: readonly LoadAccount[],
  meetingId: string,
): Promise<void> {
  const device = await ConclaveClient.connect({
    server,
    auth: { token: accounts[0]!.token },
    store: new MemoryStore(),
    webSocket: nodeWebSocketFactory(),
    deviceName: 'conclave load (organizer)',
  });
  try {
    await device.admissions.setInvitees(
      meetingId,
      accounts.slice(1).map((a) => a.userId),
    );
  } finally {
    device.close();
  }
}
