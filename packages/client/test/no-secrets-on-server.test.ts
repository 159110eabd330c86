// Invariant 1 of the E2EE profile: after an E2EE meeting, no exporter secret, SFrame base key or
// chat plaintext is anywhere on the server — not in its database files, not in its log lines, not
// in its memory. The server runs in a child process; the members (SDK clients) run here and
// record every secret they derive, then the server's files, captured output, a V8 heap snapshot
// and (where the kernel allows) its whole readable memory are searched for them.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { exportSFrameBaseKey, type MeetingState } from '@conclave/crypto/member';
import { afterAll, describe, expect, it } from 'vitest';
import type { Meeting } from '../src/index.ts';
import { encodings, findIn, searchProcessMemory, type Needle } from './support/memory-search.ts';
import { until } from './support/people.ts';
import {
  realPerson,
  startedMeeting,
  type RealPerson,
  type RealServer,
} from './support/real-server.ts';

const script = fileURLToPath(new URL('./support/server-child.ts', import.meta.url));
const tsx = pathToFileURL(
  fileURLToPath(new URL('../../../node_modules/tsx/dist/loader.mjs', import.meta.url)),
).href;

let child: ChildProcess | undefined;
let dataDir = '';
let snapshotDir = '';
const output: string[] = [];
const people: RealPerson[] = [];

afterAll(async () => {
  for (const p of people) p.client.close();
  child?.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
  await rm(snapshotDir, { recursive: true, force: true });
});

async function spawnServer(): Promise<{ url: string; admin: { email: string; password: string } }> {
  child = spawn(
    process.execPath,
    ['--import', tsx, '--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${snapshotDir}`, script],
    { env: { ...process.env, CONCLAVE_TEST_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    output.push(line);
    // Later stdout lines are collected too.
    lines.on('line', (more) => output.push(more));
    return JSON.parse(line) as { url: string; admin: { email: string; password: string } };
  }
  throw new Error('the server process exited before listening');
}

/** The group's exporter secret. The crypto package keeps the library's state opaque and offers
 * no accessor for it (only derived keys); the test reads it from the state object directly. */
function exporterSecret(state: MeetingState): Uint8Array {
  return (
    state.library as unknown as { keySchedule: { exporterSecret: Uint8Array } }
  ).keySchedule.exporterSecret.slice();
}

async function heapSnapshot(pid: number): Promise<Buffer> {
  const before = new Set(await readdir(snapshotDir));
  process.kill(pid, 'SIGUSR2');
  for (let waited = 0; waited < 60_000; waited += 200) {
    await new Promise((r) => setTimeout(r, 200));
    const file = (await readdir(snapshotDir)).find(
      (f) => f.endsWith('.heapsnapshot') && !before.has(f),
    );
    if (file === undefined) continue;
    const path = join(snapshotDir, file);
    const size = (await stat(path)).size;
    await new Promise((r) => setTimeout(r, 500));
    if (size > 0 && (await stat(path)).size === size) {
      const text = await readFile(path);
      // A complete snapshot is one JSON document.
      if (text.subarray(-200).toString().trimEnd().endsWith('}')) return text;
    }
  }
  throw new Error('no heap snapshot was written');
}

describe('the server after an E2EE meeting', () => {
  it('holds no exporter secret, SFrame base key or chat plaintext in its database, logs or memory', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'conclave-secrets-data-'));
    snapshotDir = await mkdtemp(join(tmpdir(), 'conclave-secrets-snap-'));
    const started = await spawnServer();
    const response = await fetch(`${started.url}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(started.admin),
    });
    const adminToken = ((await response.json()) as { token: string }).token;
    const server = { url: started.url, adminToken } as RealServer;

    const secrets: Needle[] = [];
    const record = (state: MeetingState) => {
      const epoch = (state.library as unknown as { groupContext: { epoch: bigint } }).groupContext
        .epoch;
      secrets.push(...encodings(`exporter secret of epoch ${epoch}`, exporterSecret(state)));
      void exportSFrameBaseKey(state).then((key) =>
        secrets.push(...encodings(`SFrame base key of epoch ${epoch}`, key)),
      );
    };
    for (const name of ['alice', 'bob', 'carol', 'dave'])
      people.push(await realPerson(server, name));
    const [alice, bob, carol, dave] = people as [RealPerson, RealPerson, RealPerson, RealPerson];
    const meetingId = await startedMeeting(server, alice, [bob, carol, dave], true);
    const meetings: Meeting[] = [];
    for (const p of [alice, bob, carol])
      meetings.push(await p.client.join(meetingId, { inspect: record }));
    await until(meetings, () => meetings.every((m) => m.epoch === 2n), 15_000, 'epoch 2');

    const chat = `chat plaintext ${randomBytes(12).toString('hex')}`;
    const chats: string[] = [];
    meetings[2]!.on('chat', (m) => chats.push(m.text));
    await meetings[0]!.sendChat(chat);
    for (let i = 0; i < 20; i++) await meetings[1]!.publish('audio', randomBytes(60));
    meetings.push(await dave.client.join(meetingId, { inspect: record }));
    await until(
      meetings,
      () => meetings.every((m) => m.epoch === 3n) && chats.length === 1,
      15_000,
      'epoch 3 and chat',
    );
    await meetings[1]!.leave();
    const rest = meetings.filter((_, i) => i !== 1);
    await until(rest, () => rest.every((m) => m.epoch === 4n), 15_000, 'epoch 4');

    const chatNeedles: Needle[] = [{ name: 'chat plaintext', bytes: Buffer.from(chat) }];
    // Every member recorded the secrets of the epochs it was in; members of an epoch share them.
    const unique = [...new Map(secrets.map((s) => [s.name, s])).values()];
    // Epochs 0-4, each with its exporter secret and base key, in 4 encodings.
    expect(unique).toHaveLength(5 * 2 * 4);
    const needles = [...unique, ...chatNeedles];
    // What the server does hold — the meeting's id — is found by the same searches, so a search
    // that finds nothing is not a search that cannot find anything.
    const control: Needle = { name: 'meeting id', bytes: Buffer.from(meetingId) };
    const pid = child!.pid!;

    // While the meeting runs: the heap (strings) and all readable memory (ArrayBuffers too).
    const during = await heapSnapshot(pid);
    expect(findIn(during, [control])).toEqual(['meeting id']);
    expect(findIn(during, needles)).toEqual([]);
    const memory = searchProcessMemory(pid, [...needles, control]);
    if (memory !== undefined) {
      expect(memory.bytes).toBeGreaterThan(10 * 1024 * 1024);
      expect(memory.hits).toEqual(['meeting id']);
    }

    // After it: the database files, every log line, and the heap again.
    for (const m of rest) await m.leave();
    await new Promise((r) => setTimeout(r, 300));
    const files = await readdir(dataDir);
    const db = Buffer.concat(await Promise.all(files.map((f) => readFile(join(dataDir, f)))));
    expect(findIn(db, [control])).toEqual(['meeting id']);
    expect(findIn(db, needles)).toEqual([]);
    const logs = Buffer.from(output.join('\n'));
    expect(logs.length).toBeGreaterThan(0);
    expect(findIn(logs, needles)).toEqual([]);
    expect(findIn(await heapSnapshot(pid), needles)).toEqual([]);
  });
});
