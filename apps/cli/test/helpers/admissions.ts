// The organizer's device signs who may enter an E2EE meeting (members admit no one else): tests
// that schedule through the REST API sign the invitation list with a device of the organizer's,
// as a second laptop of theirs would.
import { ConclaveClient, MemoryStore } from '@conclave/client';
import { nodeWebSocketFactory } from '@conclave/client/node';

export async function signInvitations(
  server: string,
  organizerToken: string,
  meetingId: string,
  invitees: readonly string[],
): Promise<void> {
  const device = await ConclaveClient.connect({
    server,
    auth: { token: organizerToken },
    store: new MemoryStore(),
    webSocket: nodeWebSocketFactory(),
    deviceName: 'Test signing device',
  });
  try {
    await device.admissions.setInvitees(meetingId, invitees);
  } finally {
    device.close();
  }
}
