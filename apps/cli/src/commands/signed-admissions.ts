// The organizer's signature on who may enter an E2EE meeting, made on this CLI's device (the same
// device `conclave join` uses): members admit no one an organizer's device did not sign
// (docs/e2ee-profile.md "Who may enter"). Used by `meeting schedule`, `invite`, `uninvite` and
// `admit`; a standard meeting needs none.
import type { ConclaveClient } from '@conclave/client';
import type { Session } from '../api/session.ts';
import type { MeetingWithDecision } from '../api/types.ts';
import { connectClient } from '../headless/connect.ts';

/** Runs `sign` with an SDK client of this device, closed afterwards. */
export async function onThisDevice<T>(
  session: Session,
  sign: (client: ConclaveClient) => Promise<T>,
): Promise<T> {
  const client = await connectClient({
    server: session.credentials.server,
    token: session.credentials.token,
  });
  try {
    return await sign(client);
  } finally {
    client.close();
  }
}

export function isE2ee(answer: MeetingWithDecision): boolean {
  return answer.meeting.endToEndEncryption.enabled;
}

export const NOT_SIGNED_NOTE =
  'Only the organizer’s device can sign the invitation list of an end-to-end encrypted meeting; until the organizer changes it from their app, the people added wait in the lobby.';

/**
 * After the server changed who is invited to an E2EE meeting: the organizer's device signs the
 * change on its own last signed list. Returns the sentence to add to the command's output.
 */
export async function signInvitationChange(
  session: Session,
  answer: MeetingWithDecision,
  change: { add?: readonly string[]; remove?: readonly string[] },
): Promise<string> {
  if (!isE2ee(answer)) return '';
  return onThisDevice(session, async (client) => {
    if (client.user.id !== answer.meeting.organizer) return NOT_SIGNED_NOTE;
    const signed = await client.admissions.changeInvitees(answer.meeting.id, change);
    return `Signed the invitation list on this device (version ${signed.sequence}).`;
  });
}
