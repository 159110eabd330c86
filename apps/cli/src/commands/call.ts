// `conclave call USER`: call someone 1:1, see whether the call is end-to-end encrypted (and why
// not, spec §6), then follow it while it rings: accepted, declined or missed. Ctrl-C while it
// rings hangs up (cancelled). `conclave call accept|decline|cancel|end ID` answers or hangs up a
// call; `conclave calls` lists the history.
import type { Command } from 'commander';
import { callActions, type CallAction } from '@conclave/protocol';
import type { ApiClient } from '../api/client.ts';
import { resolveDirectoryUser } from '../api/resolve.ts';
import { connect } from '../api/session.ts';
import type { CallResult, CallSummary } from '../api/types.ts';
import { formatCall } from '../output/decision.ts';
import { formatCallOutcome, formatCallHistory } from '../output/calls.ts';
import { emit, printJson, printLines, progress } from '../output/print.ts';
import { example, withServer } from './define.ts';
import { onThisDevice } from './signed-admissions.ts';
import type { ServerCommandFlags } from './define.ts';

/** How often the CLI reads a ringing call back (the browser is told over its socket instead). */
const FOLLOW_EVERY_MS = 1_000;

const callPath = (id: string) => `/api/calls/${encodeURIComponent(id)}`;

interface CallFlags extends ServerCommandFlags {
  wait?: boolean;
}

const isAction = (word: string): word is CallAction =>
  (callActions as readonly string[]).includes(word);

async function act(api: ApiClient, id: string, action: CallAction): Promise<CallSummary> {
  return (await api.post<{ call: CallSummary }>(`${callPath(id)}/${action}`)).call;
}

/** Reads the call back until it stops ringing; Ctrl-C meanwhile cancels it. */
async function follow(api: ApiClient, id: string, flags: CallFlags): Promise<CallSummary> {
  let interrupted = false;
  const onInterrupt = () => (interrupted = true);
  process.once('SIGINT', onInterrupt);
  try {
    for (;;) {
      if (interrupted) {
        progress(flags, 'Hanging up…');
        return await act(api, id, 'cancel');
      }
      const { call } = await api.get<{ call: CallSummary }>(callPath(id));
      if (call.state !== 'ringing') return call;
      await new Promise((resolve) => setTimeout(resolve, FOLLOW_EVERY_MS));
    }
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

export function registerCallCommand(program: Command): void {
  const call = withServer(
    program
      .command('call')
      .description(
        'call someone 1:1 and follow it while it rings (accepted, declined, missed); or answer one: call accept|decline|cancel|end <id>',
      )
      .argument('<user>', 'email, display name or id; or accept, decline, cancel or end')
      .argument('[id]', 'the call, after accept, decline, cancel or end')
      .option('--no-wait', 'place the call and return at once, without following it'),
  ).action(async (first: string, id: string | undefined, flags: CallFlags) => {
    const session = await connect(flags);
    const { api } = session;
    if (id !== undefined && isAction(first)) {
      const after = await act(api, id, first);
      emit(flags, { call: after }, () => formatCallOutcome(after));
      return;
    }
    const callee = await resolveDirectoryUser(api, first);
    const placed = await api.post<CallResult>('/api/calls', { callee: callee.id });
    // The two sides of an E2EE call admit no one this device did not sign.
    if (placed.call.endToEndEncryption.enabled)
      await onThisDevice(session, (client) =>
        client.admissions.admitCallee(placed.call.id, callee.id),
      );
    if (flags.wait === false) {
      emit(flags, placed, (value) => formatCall(value, callee.displayName));
      return;
    }
    if (flags.json !== true) printLines(formatCall(placed, callee.displayName));
    progress(flags, `Ringing ${callee.displayName}… (Ctrl-C hangs up)`);
    const outcome = await follow(api, placed.call.id, flags);
    if (flags.json === true) printJson({ call: outcome, decision: placed.decision });
    else printLines(formatCallOutcome(outcome));
  });
  example(
    call,
    'conclave call bob@example.org',
    'conclave call accept 3f6c2a10-8d4e-4b7a-9c1e-2a5b6c7d8e9f',
  );

  const calls = withServer(
    program
      .command('calls')
      .description('your call history: incoming, outgoing and missed, newest first')
      .option('--limit <n>', 'at most this many calls (1-200)', '50'),
  ).action(async (flags: ServerCommandFlags & { limit: string }) => {
    const session = await connect(flags);
    const { api } = session;
    const history = await api.get<{ calls: CallSummary[] }>(
      `/api/calls?limit=${encodeURIComponent(flags.limit)}`,
    );
    emit(flags, history, (value) => formatCallHistory(value.calls));
  });
  example(calls, 'conclave calls --limit 10');
}
