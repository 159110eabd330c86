// What a room visit joins: a scheduled meeting or a 1:1 call. The SDK joins both by id; they
// differ only in words, in where "back" leads, and in that a call has none of a meeting's services.
import type { Route } from '../app/routes.ts';
import type { CallSummary, Meeting } from '../api/types.ts';
import type { MeetingNames } from '../model/e2eeWords.ts';

export type RoomTarget =
  | { readonly kind: 'meeting'; readonly meeting: Meeting; readonly names: MeetingNames }
  | { readonly kind: 'call'; readonly call: CallSummary };

/** What governance decided before anyone joined; the joined session's own answer wins. */
export function plannedE2ee(target: RoomTarget): boolean {
  return target.kind === 'meeting'
    ? target.meeting.endToEndEncryption.enabled
    : target.call.endToEndEncryption.enabled;
}

export function backTo(target: RoomTarget): { route: Route; label: string } {
  return target.kind === 'meeting'
    ? { route: { kind: 'meeting', id: target.meeting.id }, label: 'Back to the meeting' }
    : { route: { kind: 'calls' }, label: 'Back to calls' };
}
