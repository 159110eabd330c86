// The organizer (or an admin) removes someone over this room's own connection, so it is taken
// even while the server's database is away: they are out at once, and this resolves once the
// removal is recorded and this browser's group rekeyed without them. Rejects with a sentence:
// the server's when it refused, else what the SDK's code means to a person.
import type { Meeting, MeetingEvents } from '@conclave/client';
import { removalFailure } from './roomWords.ts';

export async function removeOverOwnConnection(
  meeting: Meeting,
  participantId: string,
): Promise<void> {
  let said: string | undefined;
  const listener = (step: MeetingEvents['removal']) => {
    if (step.participantId === participantId && step.state === 'refused') said = step.message;
  };
  meeting.on('removal', listener);
  try {
    await meeting.removeParticipant(participantId);
  } catch (error) {
    throw new Error(said ?? removalFailure(error));
  } finally {
    meeting.off('removal', listener);
  }
}
