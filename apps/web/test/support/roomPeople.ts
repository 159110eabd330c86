// REST steps the room test needs, as the organizer's own client would take them: the first
// admin creates licensed people, an organizer schedules and starts a meeting.
import { ConclaveClient, MemoryStore, type Meeting } from '@conclave/client';
import { nodeWebSocketFactory } from '@conclave/client/node';

export interface Person {
  readonly name: string;
  readonly email: string;
  readonly password: string;
  readonly userId: string;
  readonly token: string;
}

export async function api<T>(
  base: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

export async function signInToken(base: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${base}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!response.ok) throw new Error(`sign-in: HTTP ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

/** A user with the Premium licence (needed for E2EE), signed in through the API. */
export async function licensedPerson(
  base: string,
  adminToken: string,
  name: string,
): Promise<Person> {
  const email = `${name.toLowerCase()}@example.org`;
  const password = `password-${name}-1234`;
  const created = await api<{ user: { id: string } }>(
    base,
    adminToken,
    'POST',
    '/api/admin/users',
    {
      email,
      displayName: name,
      premium: true,
      password,
      mustChangePassword: false,
    },
  );
  return {
    name,
    email,
    password,
    userId: created.user.id,
    token: await signInToken(base, email, password),
  };
}

/** Scheduled by `organizer` with everyone invited, end-to-end encrypted or not, and started. */
export async function startedMeeting(
  base: string,
  organizer: Person,
  invitees: readonly Person[],
  e2ee: boolean,
  subject: string,
): Promise<string> {
  const { meeting } = await api<{
    meeting: { id: string; endToEndEncryption: { enabled: boolean } };
  }>(base, organizer.token, 'POST', '/api/meetings', {
    subject,
    options: { endToEndEncryption: e2ee },
    invitees: invitees.map((p) => p.userId),
  });
  if (meeting.endToEndEncryption.enabled !== e2ee)
    throw new Error('the meeting did not get the E2EE state asked for');
  if (e2ee) await signInvitations(base, organizer, meeting.id, invitees);
  await api(base, organizer.token, 'POST', `/api/meetings/${meeting.id}/start`);
  return meeting.id;
}

/**
 * The organizer's device signs the invitation list of an E2EE meeting (members admit no one
 * else): here a device of the organizer's the test signs in for that, as a second laptop would.
 */
export async function signInvitations(
  base: string,
  organizer: Person,
  meetingId: string,
  invitees: readonly Pick<Person, 'userId'>[],
): Promise<void> {
  const device = await ConclaveClient.connect({
    server: base,
    auth: { token: organizer.token },
    store: new MemoryStore(),
    webSocket: nodeWebSocketFactory(),
    deviceName: 'Test signing device',
  });
  try {
    await device.admissions.setInvitees(
      meetingId,
      invitees.map((p) => p.userId),
    );
  } finally {
    device.close();
  }
}

export interface HostAndHeadlessGuest {
  readonly alice: Person;
  readonly bob: Person;
  readonly meetingId: string;
  /** Bob's SDK client (close it after the test) and his joined meeting. */
  readonly bobClient: ConclaveClient;
  readonly bobMeeting: Meeting;
}

/**
 * Alice organizes an E2EE meeting (she joins from the browser in the test); Bob is in it already,
 * headless, through the SDK — the other side of whatever the browser does.
 */
export async function hostAndHeadlessGuest(
  base: string,
  adminToken: string,
  subject: string,
): Promise<HostAndHeadlessGuest> {
  const [alice, bob] = (await Promise.all(
    ['Alice', 'Bob'].map((name) => licensedPerson(base, adminToken, name)),
  )) as [Person, Person];
  const meetingId = await startedMeeting(base, alice, [bob], true, subject);
  const bobClient = await ConclaveClient.connect({
    server: base,
    auth: { token: bob.token },
    store: new MemoryStore(),
    webSocket: nodeWebSocketFactory(),
  });
  const bobMeeting = await bobClient.join(meetingId);
  return { alice, bob, meetingId, bobClient, bobMeeting };
}
