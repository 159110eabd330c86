// Where a participant's join stands when the load run takes its reports: for the ones never
// admitted, this says at which step they stopped — refused, never answered by the room, waiting in
// the lobby, or in the room without the Welcome that gives it the group's keys — so a big run that
// leaves people out points at the part to look at (issue 11: a 1,000-person run left 121 out).
import type { ParticipantReport } from './participant.ts';

export type JoinStage =
  | 'joined'
  | 'refused'
  | 'ended'
  | 'reconnecting'
  | 'in-lobby'
  | 'no-answer'
  | 'awaiting-welcome'
  | 'awaiting-keys';

/** What each stage means, for the text report. */
export const JOIN_STAGE_TEXT: Record<JoinStage, string> = {
  joined: 'joined',
  refused: 'refused (see the error)',
  ended: 'ended before it was in',
  reconnecting: 'reconnecting',
  'in-lobby': 'waiting in the lobby',
  'no-answer': 'no answer from the room to its join',
  'awaiting-welcome': 'in the room, waiting for its Welcome (no epoch yet)',
  'awaiting-keys': 'in the room with an epoch, its media keys not in place',
};

export function joinStage(
  r: Pick<
    ParticipantReport,
    'joined' | 'error' | 'phase' | 'lobby' | 'participantId' | 'epoch' | 'e2ee'
  >,
): JoinStage {
  if (r.joined) return 'joined';
  if (r.error !== undefined) return 'refused';
  if (r.phase === 'left' || r.phase === 'removed' || r.phase === 'closed') return 'ended';
  if (r.phase === 'reconnecting') return 'reconnecting';
  if (r.lobby !== undefined) return 'in-lobby';
  if (r.participantId === undefined) return 'no-answer';
  if (r.e2ee === true && r.epoch === undefined) return 'awaiting-welcome';
  return 'awaiting-keys';
}

/** How many joins stopped at each stage, in the order first met. */
export function countByStage(
  failures: readonly { readonly stage: JoinStage }[],
): Map<JoinStage, number> {
  const counts = new Map<JoinStage, number>();
  for (const f of failures) counts.set(f.stage, (counts.get(f.stage) ?? 0) + 1);
  return counts;
}
