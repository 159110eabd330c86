// The organizer's signature on who may enter an end-to-end encrypted meeting, made by this
// browser's device key (the one the room uses; it never leaves IndexedDB): members admit no one
// an organizer's device did not sign (docs/e2ee-profile.md "Who may enter"). The meeting pages
// call these after scheduling, after changing the invitation list, and to admit from the lobby;
// the calls page after placing an E2EE call.
import type { ConclaveClient } from '@conclave/client';
import { webClientInfo } from '../room/capabilities.ts';

/** Runs `sign` with an SDK client on this browser's device (loaded, or registered the first time). */
async function onThisDevice<T>(
  userId: string,
  sign: (client: ConclaveClient) => Promise<T>,
): Promise<T> {
  const [{ ConclaveClient }, { IndexedDbStore, oneDeviceAtATime }] = await Promise.all([
    import('@conclave/client'),
    import('../room/deviceStore.ts'),
  ]);
  const client = await oneDeviceAtATime(() =>
    ConclaveClient.connect({
      server: location.origin,
      auth: { cookie: true },
      store: new IndexedDbStore(userId),
      deviceName: `Web browser (${navigator.platform || 'unknown system'})`,
      clientInfo: webClientInfo(),
    }),
  );
  try {
    return await sign(client);
  } finally {
    client.close();
  }
}

/** Signs the whole invitation list, as the organizer just set it. */
export async function signInvitees(
  userId: string,
  meetingId: string,
  invitees: readonly string[],
): Promise<void> {
  await onThisDevice(userId, (client) => client.admissions.setInvitees(meetingId, invitees));
}

/** Signs a change to the organizer's own last signed list. */
export async function signInvitationChange(
  userId: string,
  meetingId: string,
  change: { add?: readonly string[]; remove?: readonly string[] },
): Promise<void> {
  await onThisDevice(userId, (client) => client.admissions.changeInvitees(meetingId, change));
}

/** Lets `people` in from the lobby (the organizer, or a co-organizer the list names). */
export async function signLobbyAdmission(
  userId: string,
  meetingId: string,
  people: readonly string[],
): Promise<void> {
  await onThisDevice(userId, (client) => client.admissions.admit(meetingId, people));
}

/** Signs the callee of a 1:1 E2EE call this user just placed: the two sides admit no one else. */
export async function signCallee(userId: string, callId: string, callee: string): Promise<void> {
  await onThisDevice(userId, (client) => client.admissions.admitCallee(callId, callee));
}

/** Said when an admin who does not organize the meeting changes its list. */
export const ONLY_THE_ORGANIZER_SIGNS =
  'Only the organizer’s device can sign who may enter an end-to-end encrypted meeting: the people added wait in the lobby until the organizer admits them.';
