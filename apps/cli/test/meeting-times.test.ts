// The CLI side of meetings people run their week on: `meeting schedule` with a start, a zone, a
// duration and a recurrence; `meeting list` with times in the viewer's zone; `meeting invite` /
// `uninvite` before the start; `meeting ics` writing the invitation.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson, runCli, tempDir } from './helpers/cli.ts';
import type { CliResult } from './helpers/cli.ts';
import { startTestServer } from './helpers/server.ts';
import type { TestServer } from './helpers/server.ts';

let server: TestServer;
let config: { path: string; remove: () => Promise<void> };
const cli = (...args: string[]): Promise<CliResult> => runCli(args, { configDir: config.path });

function ok(result: CliResult): CliResult {
  if (result.code !== 0) {
    throw new Error(`exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  }
  return result;
}

beforeAll(async () => {
  server = await startTestServer();
  config = await tempDir('times');
  ok(
    await runCli(
      ['sign-in', '--server', server.url, '--email', server.firstAdmin.email, '--password-stdin'],
      { configDir: config.path, stdin: `${server.firstAdmin.password}\n` },
    ),
  );
  ok(await cli('user', 'new', 'bea@example.org', '--name', 'Bea Invitee'));
});

afterAll(async () => {
  await server?.stop();
  await config?.remove();
});

describe('meeting times, invitations and the .ics from the CLI', { timeout: 180_000 }, () => {
  let meetingId = '';

  it('schedules with a start, a zone, a duration and a weekly recurrence', async () => {
    const result = ok(
      await cli(
        'meeting',
        'schedule',
        'Weekly sync',
        '--start',
        '2099-03-02T09:30',
        '--zone',
        'Europe/Berlin',
        '--duration',
        '45',
        '--repeat',
        'weekly',
        '--count',
        '4',
        '--json',
      ),
    );
    const { meeting } = parseJson<{
      meeting: { id: string; start: string; timeZone: string; recurrence: unknown };
    }>(result);
    meetingId = meeting.id;
    expect(meeting).toMatchObject({
      start: '2099-03-02T08:30:00.000Z',
      timeZone: 'Europe/Berlin',
      recurrence: { frequency: 'weekly', count: 4 },
    });
  });

  it('says what is wrong with a time in a sentence', async () => {
    const result = await cli('meeting', 'schedule', 'Bad', '--zone', 'Mars/Olympus');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('The time zone "Mars/Olympus" is not known');
    const usage = await cli('meeting', 'schedule', 'Bad', '--count', '3');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('give --repeat too');
  });

  it('lists meetings with their times in the zone asked for', async () => {
    const result = ok(await cli('meeting', 'list', '--when', 'upcoming', '--zone', 'Asia/Tokyo'));
    expect(result.stdout.toLowerCase()).toContain('when (asia/tokyo)');
    // 09:30 in Berlin (08:30 UTC) is 17:30 in Tokyo.
    expect(result.stdout).toMatch(/Weekly sync\s+upcoming\s+2099-03-02 17:30 \(45 min\)/u);
    expect(result.stdout).toContain('every week, 4 times');
    const past = ok(await cli('meeting', 'list', '--when', 'past'));
    expect(past.stdout).not.toContain('Weekly sync');
  });

  it('invites and uninvites before the start', async () => {
    const invited = ok(await cli('meeting', 'invite', meetingId, 'Bea Invitee'));
    expect(invited.stdout).toContain('Invited now: Bea Invitee');
    const removed = ok(await cli('meeting', 'uninvite', meetingId, 'Bea Invitee'));
    expect(removed.stdout).toContain('Bea Invitee is no longer invited. Nobody is invited now.');
    ok(await cli('meeting', 'invite', meetingId, 'Bea Invitee'));
  });

  it('writes the .ics invitation', async () => {
    const file = join(config.path, 'sync.ics');
    ok(await cli('meeting', 'ics', meetingId, '--out', file));
    // Long lines are folded (RFC 5545 §3.1): a line break and a space continue a line.
    const text = (await readFile(file, 'utf8')).replace(/\r\n /gu, '');
    expect(text).toContain('BEGIN:VCALENDAR');
    expect(text).toContain('SUMMARY:Weekly sync');
    expect(text).toContain('DTSTART;TZID=Europe/Berlin:20990302T093000');
    expect(text).toContain('RRULE:FREQ=WEEKLY;COUNT=4');
    expect(text).toMatch(/ATTENDEE;[^\r\n]*:MAILTO:bea@example.org/iu);
  });

  it('refuses to change the invitation list once the meeting started, saying why', async () => {
    ok(await cli('meeting', 'start', meetingId));
    const result = await cli('meeting', 'uninvite', meetingId, 'Bea Invitee');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('The meeting has started');
  });
});
