// How a call reads in the terminal: where it ended up, and the history as a table.
import type { CallState } from '@conclave/protocol';
import type { CallSummary } from '../api/types.ts';
import { formatTable } from './table.ts';

/** One line for where a call stands, from this side. */
export function formatCallOutcome(call: CallSummary): string {
  const name = call.other.displayName;
  const outgoing = call.direction === 'outgoing';
  const words: Record<CallState, string> = {
    ringing: outgoing ? `Ringing ${name}.` : `${name} is calling you.`,
    accepted: outgoing
      ? `${name} accepted the call: join it with \`conclave join ${call.id}\`.`
      : `Accepted: join it with \`conclave join ${call.id}\`.`,
    declined: outgoing ? `${name} declined the call.` : 'You declined the call.',
    missed: outgoing ? `Missed: ${name} did not answer.` : `Missed call from ${name}.`,
    cancelled: outgoing ? 'Cancelled: you hung up before an answer.' : `${name} hung up.`,
    ended: 'The call has ended.',
  };
  return `Call ${call.id}: ${words[call.state]}`;
}

export function formatCallHistory(calls: readonly CallSummary[]): string[] {
  return formatTable(
    calls,
    [
      { header: 'when', value: (c) => c.createdAt },
      { header: 'direction', value: (c) => (c.direction === 'outgoing' ? 'to' : 'from') },
      { header: 'who', value: (c) => c.other.displayName },
      { header: 'state', value: (c) => c.state },
      { header: 'e2ee', value: (c) => (c.endToEndEncryption.enabled ? 'yes' : 'no') },
      { header: 'id', value: (c) => c.id },
    ],
    'No calls yet.',
  );
}
