// `conclave join MEETING`: the signed-in user joins as a headless participant — a real MLS member
// in an E2EE meeting — sends synthetic audio and video, and reports the security code, the roster
// and what it received and decrypted, per sender, with drops by reason.
import type { Command } from 'commander';
import { CliError } from '../errors.ts';
import { connect } from '../api/session.ts';
import { cliError, connectClient } from '../headless/connect.ts';
import { seconds, waitOrInterrupt } from '../headless/timing.ts';
import { HeadlessParticipant } from '../headless/participant.ts';
import { formatParticipant } from '../headless/report.ts';
import { printJson, printLines, progress } from '../output/print.ts';
import { example, withServer } from './define.ts';
import { positiveInteger } from './parsers.ts';
import type { ServerCommandFlags } from './define.ts';

interface JoinFlags extends ServerCommandFlags {
  duration: number;
  events?: boolean;
  media: boolean;
  reconnectAttempts?: number;
}

export function registerJoinCommand(program: Command): void {
  const command = withServer(
    program
      .command('join')
      .description(
        'join a meeting as a headless participant: synthetic media out, decrypted media counted in',
      )
      .argument('<meeting>', 'the meeting id')
      .option('--duration <seconds>', 'how long to stay in the meeting', seconds, 10)
      .option('--no-media', 'receive only; send no audio or video')
      .option('--events', 'with --json: one JSON line per event as it happens, before the result')
      .option(
        '--reconnect-attempts <n>',
        'give up after this many failed reconnects in a row (default: keep trying while you stay)',
        positiveInteger,
      ),
  ).action(joinAction);
  example(
    command,
    'conclave join 3f6c2a9e-… --duration 30',
    'conclave join 3f6c2a9e-… --json --events',
    'conclave join 3f6c2a9e-… --duration 3600 --reconnect-attempts 20',
  );
  command.addHelpText(
    'after',
    [
      '',
      'A meeting that has not started yet keeps the participant waiting ("Waiting for the',
      'organizer to start the meeting") until the organizer starts it; then it joins by itself.',
      'If the connection drops (the server restarts, the network goes), the participant keeps',
      'reconnecting with growing, randomized pauses (at most 5 s) and resumes in the same MLS',
      'group; progress goes to stderr. If the meeting ends for it before --duration (removed, the',
      'meeting ended, or --reconnect-attempts used up), it prints its report and exits non-zero',
      'with the reason.',
    ].join('\n'),
  );
}

async function joinAction(meetingId: string, flags: JoinFlags): Promise<void> {
  const { credentials } = await connect(flags);
  const server = credentials.server;
  progress(flags, `Joining ${meetingId} on ${server}…`);
  const client = await connectClient({ server, token: credentials.token });
  const streaming = flags.json === true && flags.events === true;
  let reconnecting = false;
  const participant = new HeadlessParticipant(client, {
    sendMedia: flags.media,
    onConnection: (c) => {
      if (c.state === 'connected' && reconnecting) progress(flags, 'Connected again.');
      reconnecting = c.state === 'reconnecting';
      if (!reconnecting || c.nextAttemptInMs === undefined) return;
      const why = c.reason === 'server_restarting' ? 'the server is restarting' : 'connection lost';
      const wait = (c.nextAttemptInMs / 1000).toFixed(1);
      progress(flags, `Reconnecting (${why}): attempt ${c.attempt ?? 1} in ${wait} s…`);
    },
    onLobby: ({ reasons }) =>
      progress(flags, reasons[0]?.message ?? 'Waiting for the organizer to start the meeting.'),
    ...(streaming
      ? { onEvent: (event) => process.stdout.write(`${JSON.stringify(event)}\n`) }
      : {}),
  });
  const reconnect =
    flags.reconnectAttempts === undefined
      ? {}
      : { reconnect: { maxAttempts: flags.reconnectAttempts } };
  try {
    if (!(await participant.join(meetingId, reconnect)))
      throw cliError(participant.failure, server);
    const code = participant.meeting?.securityCode;
    progress(
      flags,
      `Joined${code === undefined ? '' : `; security code ${code}`}. Staying ${flags.duration} s (Ctrl-C to leave now)…`,
    );
    const stayed = await waitOrInterrupt(flags.duration * 1000, participant.ended);
    participant.stopMedia();
    // Frames in flight still arrive for a moment.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const report = participant.report();
    await participant.leave();
    const result = { meetingId, server, seconds: Math.round(stayed / 100) / 10, ...report };
    if (flags.json === true) {
      if (streaming) process.stdout.write(`${JSON.stringify(result)}\n`);
      else printJson(result);
    } else {
      printLines(formatParticipant(meetingId, report, result.seconds));
    }
    if (report.endedBecause !== undefined) {
      throw new CliError(
        'failed',
        `the meeting ended for this participant: ${report.endedBecause}`,
      );
    }
  } finally {
    participant.close();
  }
}
