// Who is in a running meeting, and who waits to enter one, over REST.
// `GET /api/meetings/:id/participants` and `POST /api/meetings/:id/participants/:participantId/remove`
// describe the same participants as the signaling messages, as the server sees them now.
import { z } from 'zod';
import { timestampSchema } from './common.ts';

const id = z.string().min(1).max(128);

export const liveParticipantSchema = z.object({
  participantId: id,
  userId: id,
  displayName: z.string(),
  deviceId: id,
  relayId: z.number().int(),
  joinedAt: timestampSchema,
  /** E2EE: the MLS leaf, once the participant has reported reaching an epoch of the group. */
  leafIndex: z.number().int().min(0).exactOptional(),
});
export type LiveParticipant = z.infer<typeof liveParticipantSchema>;

export const liveRosterSchema = z.object({
  meetingId: id,
  endToEndEncryption: z.boolean(),
  /** Connected now, in the order they joined; empty when nobody is in the meeting. */
  participants: z.array(liveParticipantSchema),
});

export const participantRemovedSchema = z.object({
  /**
   * Every participant taken out: the one named and any other device of the same user in the
   * meeting (the user, not the device, may not come back while the meeting runs).
   */
  removed: z.array(id),
});

/**
 * `GET /api/meetings/:id/lobby` (and the answer to letting someone in or turning them away): who
 * waits to enter the meeting (organizer and admins), on every node of a cluster, longest-waiting
 * first. They enter by themselves when it starts, or once let in.
 */
export const lobbySchema = z.object({
  meetingId: id,
  waiting: z.array(
    z.object({
      userId: id,
      displayName: z.string(),
      deviceId: id,
      since: timestampSchema,
      /** For the meeting to start, or (neither organizer nor invited) to be let in. */
      waitingFor: z.enum(['start', 'admission']),
    }),
  ),
});
export type Lobby = z.infer<typeof lobbySchema>;
