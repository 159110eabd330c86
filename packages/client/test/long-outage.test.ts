// Outages clients sit out (issue 16, item 3; issue 12, graceful shutdown): with the SDK's default
// reconnect policy, four participants of an E2EE meeting keep trying through a 60 s outage —
// far past the eight attempts (~21 s) after which they used to give up and end the meeting for
// everyone — and come back to the same group, the same security code and each other's media. A
// server stopped with SIGTERM says it is restarting first, and clients come back at once.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Meeting, ReconnectReason } from '../src/index.ts';
import { RestartScenario } from './support/restart-scenario.ts';

async function sqlite() {
  const dataDir = await mkdtemp(join(tmpdir(), 'conclave-long-outage-'));
  return { dataDir, drop: () => rm(dataDir, { recursive: true, force: true }) };
}

/** Per meeting: the highest reconnect attempt and every reason it gave while reconnecting. */
function watchReconnects(meetings: readonly Meeting[]) {
  const seen = meetings.map(() => ({ attempts: 0, reasons: new Set<ReconnectReason>() }));
  meetings.forEach((m, i) =>
    m.on('connection', (c) => {
      if (c.state !== 'reconnecting') return;
      seen[i]!.attempts = Math.max(seen[i]!.attempts, c.attempt ?? 0);
      if (c.reason !== undefined) seen[i]!.reasons.add(c.reason);
    }),
  );
  return seen;
}

/** Four in the group, publishing; their code, and what they say while reconnecting from now. */
async function meetingUnderWay(scenario: RestartScenario) {
  await scenario.start();
  await scenario.joinAndPublish();
  await scenario.everyoneInTheGroup();
  const meetings = scenario.meetings;
  return { meetings, codeBefore: meetings[0]!.securityCode, seen: watchReconnects(meetings) };
}

describe('clients that stay through an outage', () => {
  it('sit out a 60 s outage with the default policy and resume the same group and media', async () => {
    const scenario = new RestartScenario(await sqlite());
    try {
      const { meetings, codeBefore, seen } = await meetingUnderWay(scenario);

      const ready = await scenario.restart('SIGKILL', { pauseMs: 60_000 });
      // Back within the capped back-off (≤ 5 s) plus the resume, on a loaded machine.
      await scenario.everyPairSince(ready, ready + 20_000 - Date.now());

      expect(meetings.map((m) => m.phase)).toEqual(['joined', 'joined', 'joined', 'joined']);
      // Same group, same epoch line: the outage cost nobody their place.
      expect(meetings.map((m) => m.epoch)).toEqual([3n, 3n, 3n, 3n]);
      expect(new Set(meetings.map((m) => m.securityCode))).toEqual(new Set([codeBefore]));
      // They kept trying well past the old limit of eight attempts, saying why.
      for (const s of seen) {
        expect(s.attempts).toBeGreaterThan(8);
        expect([...s.reasons]).toEqual(['connection_lost']);
      }
    } finally {
      await scenario.close();
    }
  }, 180_000);

  it('hear "server restarting" on SIGTERM and are back within 5 s of the server', async () => {
    const scenario = new RestartScenario(await sqlite());
    try {
      const { meetings, codeBefore, seen } = await meetingUnderWay(scenario);

      const ready = await scenario.restart('SIGTERM', { pauseMs: 3_000 });
      await scenario.everyPairSince(ready, ready + 5_000 - Date.now());

      for (const s of seen) expect([...s.reasons]).toEqual(['server_restarting']);
      expect(new Set(meetings.map((m) => m.securityCode))).toEqual(new Set([codeBefore]));
    } finally {
      await scenario.close();
    }
  }, 120_000);
});
