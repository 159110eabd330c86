// What a member is told about the server's external-sender key: someone joins a new E2EE meeting
// and reads the key from the join answer. Tests that restart, restore or re-key a server compare
// this before and after.
import { startedMeeting, toWs } from './deployment.ts';
import type { SignedIn } from './deployment.ts';
import { TestParticipant } from './mls-client.ts';

/** The external-sender signature key (base64) `person` is handed on joining a new E2EE meeting. */
export async function externalSenderKeySeenBy(
  serverUrl: string,
  person: SignedIn,
): Promise<string> {
  const meetingId = await startedMeeting(person, { e2ee: true });
  const member = await TestParticipant.create(person);
  await member.connect(toWs(serverUrl));
  const joined = await member.join(meetingId);
  member.socket.close();
  if (joined.type !== 'joined' || joined.mls === undefined) throw new Error('not joined');
  return joined.mls.externalSender.signaturePublicKey;
}
