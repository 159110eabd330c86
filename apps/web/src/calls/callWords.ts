// How a call reads, from one side: in the history ("You called Bob — declined") and on the call's
// own page ("Ringing…", "Declined", "Missed"). Pure, so the words are tested without a browser.
import type { CallState, CallSummary } from '../api/types.ts';

/** The history's line for a call: who called whom, and how it went. */
export function historyLine(call: Pick<CallSummary, 'direction' | 'state' | 'other'>): string {
  const name = call.other.displayName;
  if (call.direction === 'outgoing') {
    const how: Record<CallState, string> = {
      ringing: 'ringing',
      accepted: 'in progress',
      declined: 'declined',
      missed: 'not answered',
      cancelled: 'cancelled',
      ended: 'answered',
    };
    return `You called ${name} — ${how[call.state]}`;
  }
  const how: Record<CallState, string> = {
    ringing: `${name} is calling you`,
    accepted: `${name} called you — in progress`,
    declined: `${name} called you — you declined`,
    missed: `Missed call from ${name}`,
    cancelled: `${name} called you — hung up before you answered`,
    ended: `${name} called you — answered`,
  };
  return how[call.state];
}

/** The call page's headline while it is not (or no longer) in progress. */
export function statusLine(call: Pick<CallSummary, 'direction' | 'state' | 'other'>): string {
  const name = call.other.displayName;
  const outgoing = call.direction === 'outgoing';
  switch (call.state) {
    case 'ringing':
      return outgoing ? `Ringing… waiting for ${name} to answer.` : `${name} is calling you.`;
    case 'accepted':
      return `In a call with ${name}.`;
    case 'declined':
      return outgoing ? `Declined: ${name} declined the call.` : 'Declined: you declined the call.';
    case 'missed':
      return outgoing ? `Missed: ${name} did not answer.` : `Missed: you did not answer ${name}.`;
    case 'cancelled':
      return outgoing ? 'Cancelled: you hung up before an answer.' : `Cancelled: ${name} hung up.`;
    case 'ended':
      return 'The call has ended.';
  }
}

/** How long an answered call lasted, as "4 min 12 s"; undefined when it never was answered. */
export function callDuration(
  call: Pick<CallSummary, 'answeredAt' | 'endedAt'>,
): string | undefined {
  if (call.answeredAt === null || call.endedAt === null) return undefined;
  const seconds = Math.max(
    0,
    Math.round((Date.parse(call.endedAt) - Date.parse(call.answeredAt)) / 1000),
  );
  const minutes = Math.floor(seconds / 60);
  return minutes === 0 ? `${seconds} s` : `${minutes} min ${seconds % 60} s`;
}
